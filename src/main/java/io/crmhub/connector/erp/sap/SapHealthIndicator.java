package io.crmhub.connector.erp.sap;

import java.time.Clock;
import io.crmhub.routing.ConnectorGuards;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * {@code erpSap} in {@code /actuator/health}: can the hub reach SAP and fetch a CSRF token? The answer is cached for
 * 15 s so health probes do not hammer the ERP.
 */
class SapHealthIndicator implements HealthIndicator {
    private static final Duration CACHE = Duration.ofSeconds(15);
    private final SapODataClient client;
    private final ConnectorGuards guards;
    private final SapProperties properties;
    private final Clock clock;
    private volatile Health last;
    private volatile Instant checkedAt = Instant.EPOCH;

    SapHealthIndicator(SapODataClient client, SapProperties properties, Clock clock, ConnectorGuards guards) {
        this.client = client;
        this.guards = guards;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Instant now = clock.instant();
        if (last != null && now.isBefore(checkedAt.plus(CACHE))) {
            return last;
        }
        Health.Builder builder;
        CircuitBreaker breaker = guards.breaker(SapODataClient.CONNECTOR);
        try {
            client.ping(SapCustomerSink.SERVICE);
            // reachable, but flows' calls failing often enough to open the breaker still means degraded
            builder = breaker.getState() == CircuitBreaker.State.CLOSED ? Health.up() : Health.status("DEGRADED");
        } catch (RuntimeException e) {
            // a provider outage degrades the hub, it does not make it DOWN: messages wait and retry, nothing is lost
            builder = Health.status("DEGRADED").withDetail("error", e.getMessage());
        }
        last = builder.withDetail("connector", SapODataClient.CONNECTOR).withDetail("baseUrl", properties.baseUrl().toString())
                .withDetail("circuitBreaker", breaker.getState().name())
                .withDetail("failureRatePercent", breaker.getMetrics().getFailureRate())
                .build();
        checkedAt = now;
        return last;
    }
}
