package io.crmhub.crm.common;

import java.time.Duration;

/** What was asked for does not exist yet but will (a provider's statement before it is made): 503 with Retry-After. */
public class NotReadyException extends RuntimeException {
    private final Duration retryAfter;

    public NotReadyException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
