package io.crmhub.routing;

/** A webhook request that failed verification: answered with 401 and audited, never processed. */
public class NotificationRefusedException extends RuntimeException {
    public NotificationRefusedException(String reason) {
        super(reason);
    }
}
