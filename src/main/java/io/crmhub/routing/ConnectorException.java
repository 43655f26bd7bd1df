package io.crmhub.routing;

/**
 * A connector call failed. Subclasses say whether retrying can help: the shared error handling
 * (routes/_shared/error-handling.camel.yaml) retries {@link TransientConnectorException} with backoff
 * and parks everything else at once.
 */
public abstract class ConnectorException extends RuntimeException {
    private final String connector;

    protected ConnectorException(String connector, String message, Throwable cause) {
        super(message, cause);
        this.connector = connector;
    }

    public String connector() {
        return connector;
    }
}
