package io.crmhub.routing;

/** Retrying the same request cannot succeed (validation errors, 4xx): the message is parked at once. */
public class PermanentConnectorException extends ConnectorException {
    public PermanentConnectorException(String connector, String message) {
        super(connector, message, null);
    }
}
