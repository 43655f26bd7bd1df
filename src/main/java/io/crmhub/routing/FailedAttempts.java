package io.crmhub.routing;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Called by the shared error handling right after every failed attempt, before Camel computes the next redelivery
 * delay. It counts the attempts (Camel drops its own counter once retries are exhausted, so parking could not tell)
 * and honours a provider's {@code Retry-After}: with a hint the next attempt waits that long (capped, so a provider
 * cannot park a consumer for hours); without one the exponential backoff applies.
 */
@Component("failedAttempts")
public class FailedAttempts implements Processor {
    /** Exchange property: how many attempts have failed so far. */
    public static final String ATTEMPTS = "crmhubFailedAttempts";

    private final long capMillis;
    private final MeterRegistry meters;

    public FailedAttempts(RetryProperties retry, MeterRegistry meters) {
        this.capMillis = retry.maximumRetryAfterMs();
        this.meters = meters;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(ATTEMPTS, exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1);
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Duration hint = failure instanceof TransientConnectorException t ? t.retryAfter().orElse(null) : null;
        meters.counter("crmhub.flow.failed.attempts", "flow", String.valueOf(exchange.getFromRouteId()),
                "connector", failure instanceof ConnectorException c ? c.connector() : "none",
                "fault", failure instanceof TransientConnectorException ? "transient" : "permanent").increment();
        if (hint == null) {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        } else {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, Math.min(Math.max(hint.toMillis(), 0), capMillis));
        }
    }

    static int attempts(Exchange exchange) {
        return Math.max(1, exchange.getProperty(ATTEMPTS, 0, Integer.class));
    }
}
