package io.crmhub.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health of a connector: its circuit breaker (DEGRADED while not closed), its non-secret settings as details, and —
 * for providers with a cheap authenticated call (ERPs) — a ping whose answer is cached so health probes do not hammer
 * the provider. Payment APIs have no free ping (every call is signed, counted and rate-limited): their health is the
 * outcome of real calls. A provider outage degrades the hub, it never makes it DOWN: messages wait and retry.
 */
public class ConnectorBreakerHealth implements HealthIndicator {
    private final String connector;
    private final ConnectorGuards guards;
    private final Map<String, Object> details;
    private final Runnable ping;
    private final Clock clock;
    private final Duration cacheFor;
    private volatile Health last;
    private volatile Instant checkedAt = Instant.EPOCH;

    /** Breaker only, no ping. */
    public ConnectorBreakerHealth(String connector, ConnectorGuards guards, Map<String, Object> details) {
        this(connector, guards, details, null, Clock.systemUTC(), Duration.ZERO);
    }

    /** Breaker plus {@code ping} (throws when the provider cannot be reached), its answer cached for {@code cacheFor}. */
    public ConnectorBreakerHealth(String connector, ConnectorGuards guards, Map<String, Object> details, Runnable ping, Clock clock,
                                  Duration cacheFor) {
        this.connector = connector;
        this.guards = guards;
        this.details = Map.copyOf(details);
        this.ping = ping;
        this.clock = clock;
        this.cacheFor = cacheFor;
    }

    @Override
    public Health health() {
        Instant now = clock.instant();
        if (last != null && now.isBefore(checkedAt.plus(cacheFor))) {
            return last;
        }
        CircuitBreaker breaker = guards.breaker(connector);
        Health.Builder builder;
        try {
            if (ping != null) {
                ping.run();
            }
            // reachable, but flows' calls failing often enough to open the breaker still means degraded
            builder = breaker.getState() == CircuitBreaker.State.CLOSED ? Health.up() : Health.status("DEGRADED");
        } catch (RuntimeException e) {
            builder = Health.status("DEGRADED").withDetail("error", String.valueOf(e.getMessage()));
        }
        last = builder.withDetail("connector", connector).withDetails(details)
                .withDetail("circuitBreaker", breaker.getState().name())
                .withDetail("failureRatePercent", breaker.getMetrics().getFailureRate())
                .build();
        checkedAt = now;
        return last;
    }
}
