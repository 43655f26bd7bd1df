package io.crmhub.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health of a connector whose provider has no free ping (payment APIs: every call is signed, counted and
 * rate-limited): it reflects the outcome of real calls through the connector's circuit breaker, DEGRADED while the
 * breaker is not closed, with the connector's non-secret settings as details.
 */
public class ConnectorBreakerHealth implements HealthIndicator {
    private final String connector;
    private final ConnectorGuards guards;
    private final Map<String, Object> details;

    public ConnectorBreakerHealth(String connector, ConnectorGuards guards, Map<String, Object> details) {
        this.connector = connector;
        this.guards = guards;
        this.details = Map.copyOf(details);
    }

    @Override
    public Health health() {
        CircuitBreaker breaker = guards.breaker(connector);
        Health.Builder builder = breaker.getState() == CircuitBreaker.State.CLOSED ? Health.up() : Health.status("DEGRADED");
        return builder.withDetail("connector", connector).withDetails(details)
                .withDetail("circuitBreaker", breaker.getState().name())
                .withDetail("failureRatePercent", breaker.getMetrics().getFailureRate())
                .build();
    }
}
