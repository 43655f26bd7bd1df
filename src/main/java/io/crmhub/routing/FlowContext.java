package io.crmhub.routing;

import io.crmhub.events.Correlation;
import io.crmhub.events.EventHeaders;
import org.apache.camel.Exchange;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * First step of every flow (the shared route configuration's {@code interceptFrom}): puts the event's correlation id
 * in the MDC so every log line of the exchange carries it, and keeps the raw message for parking.
 */
@Component("flowContext")
public class FlowContext {
    public static final String RAW_BODY = "rawBody";

    public void enter(Exchange exchange) {
        String correlationId = exchange.getMessage().getHeader(EventHeaders.CORRELATION_ID, String.class);
        if (correlationId != null) {
            MDC.put(Correlation.MDC_KEY, correlationId);
        } else {
            MDC.remove(Correlation.MDC_KEY);
        }
        exchange.setVariable(RAW_BODY, exchange.getMessage().getBody(String.class));
    }
}
