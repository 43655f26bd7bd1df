package io.crmhub.routing;

import java.time.Duration;
import java.util.Optional;

/** The provider may succeed later: timeouts, connection resets, 5xx, 429, expired session. */
public class TransientConnectorException extends ConnectorException {
    private final Duration retryAfter;

    public TransientConnectorException(String connector, String message, Duration retryAfter, Throwable cause) {
        super(connector, message, cause);
        this.retryAfter = retryAfter;
    }

    public TransientConnectorException(String connector, String message, Throwable cause) {
        this(connector, message, null, cause);
    }

    /** The provider's Retry-After hint, when it gave one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
