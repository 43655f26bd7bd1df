package io.crmhub.connector.erp.kingdee;

import io.crmhub.routing.ConnectorGuards;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * {@code erpKingdee} in {@code /actuator/health}: can the hub reach Kingdee with its session (logging in if needed) and
 * query? Cached for 15 s so probes do not hammer the ERP.
 */
class KingdeeHealthIndicator implements HealthIndicator {
    private static final Duration CACHE = Duration.ofSeconds(15);
    private final KingdeeClient client;
    private final KingdeeProperties properties;
    private final Clock clock;
    private final ConnectorGuards guards;
    private volatile Health last;
    private volatile Instant checkedAt = Instant.EPOCH;

    KingdeeHealthIndicator(KingdeeClient client, KingdeeProperties properties, Clock clock, ConnectorGuards guards) {
        this.client = client;
        this.properties = properties;
        this.clock = clock;
        this.guards = guards;
    }

    @Override
    public Health health() {
        Instant now = clock.instant();
        if (last != null && now.isBefore(checkedAt.plus(CACHE))) {
            return last;
        }
        Health.Builder builder;
        CircuitBreaker breaker = guards.breaker(KingdeeClient.CONNECTOR);
        try {
            client.ping();
            builder = breaker.getState() == CircuitBreaker.State.CLOSED ? Health.up() : Health.status("DEGRADED");
        } catch (RuntimeException e) {
            // an ERP outage degrades the hub, it does not make it DOWN: messages wait and retry
            builder = Health.status("DEGRADED").withDetail("error", e.getMessage());
        }
        last = builder.withDetail("connector", KingdeeClient.CONNECTOR).withDetail("baseUrl", properties.baseUrl().toString())
                .withDetail("acctId", properties.acctId())
                .withDetail("circuitBreaker", breaker.getState().name())
                .withDetail("failureRatePercent", breaker.getMetrics().getFailureRate())
                .build();
        checkedAt = now;
        return last;
    }
}
