package io.crmhub.routing;

/**
 * The provider no longer accepts the connector's session (an expired SAP CSRF token, a Kingdee session it lost). The
 * connector renews the session and repeats the request once; only if that fails too does a fault reach the flow.
 * Transient if it escapes, but not a sign of the provider's health: the circuit breaker does not count it.
 */
public class SessionExpiredException extends TransientConnectorException {
    public SessionExpiredException(String connector, String message) {
        super(connector, message, null);
    }
}
