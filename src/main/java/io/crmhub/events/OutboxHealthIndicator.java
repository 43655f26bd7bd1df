package io.crmhub.events;

import java.time.Duration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code outbox}: events waiting to be relayed and the age of the oldest. Older than
 * {@code crmhub.outbox.degraded-after} (default 60 s) means the relay is not keeping up or the broker is
 * unreachable: DEGRADED, since nothing is lost — the events wait in the database.
 */
@Component("outboxHealthIndicator")
class OutboxHealthIndicator implements HealthIndicator {
    private final OutboxRelay relay;
    private final Duration degradedAfter;

    OutboxHealthIndicator(OutboxRelay relay, OutboxProperties properties) {
        this.relay = relay;
        this.degradedAfter = properties.degradedAfter();
    }

    @Override
    public Health health() {
        double lag = relay.lagSeconds();
        Health.Builder builder = lag > degradedAfter.toSeconds() ? Health.status("DEGRADED") : Health.up();
        return builder.withDetail("lagSeconds", lag).withDetail("backlog", (long) relay.backlog()).build();
    }
}
