package io.crmhub.events;

import org.slf4j.MDC;

/**
 * The correlation id of the work in progress: taken from the request's {@code X-Correlation-Id} (or a new one) at
 * the edge, kept in the MDC so every log line carries it, and written into every event the work produces.
 */
public final class Correlation {
    public static final String MDC_KEY = "correlationId";
    public static final String HTTP_HEADER = "X-Correlation-Id";

    private Correlation() {
    }

    public static String currentOrNew() {
        String id = MDC.get(MDC_KEY);
        return id != null ? id : TimeOrderedIds.next();
    }
}
