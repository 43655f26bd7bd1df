package io.crmhub.events;

import java.sql.Timestamp;
import java.time.Clock;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Inbound provider events, stored once per (provider, provider event id) together with the outbox event that routes
 * them to their flow, in one transaction: a provider re-sending (or sending 50 copies at once) produces one row and
 * one event; the copies are acknowledged without effect.
 */
@Component
public class Inbox {
    private final JdbcClient jdbc;
    private final OutboxWriter outbox;
    private final Clock clock;

    public Inbox(JdbcClient jdbc, OutboxWriter outbox, Clock clock) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.clock = clock;
    }

    public enum Outcome { ACCEPTED, DUPLICATE }

    /**
     * @param aggregateType and {@code businessKey}: the message group of the routed event (one payment's
     *                      notifications stay in order)
     * @param destination   the address the event is published to, e.g. {@code crm.payment.notified}
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public Outcome accept(String provider, String providerEventId, String eventType, String aggregateType, String businessKey,
                          Object payload, String payloadJson, String destination) {
        if (exists(provider, providerEventId)) {
            return Outcome.DUPLICATE;
        }
        long id;
        try {
            jdbc.sql("""
                    INSERT INTO inbox (provider, provider_event_id, event_type, correlation_id, payload, received_at)
                    VALUES (?, ?, ?, ?, ?, ?)""")
                    .params(provider, providerEventId, eventType, Correlation.currentOrNew(), payloadJson,
                            Timestamp.from(clock.instant()))
                    .update();
        } catch (DuplicateKeyException concurrentCopy) {
            return Outcome.DUPLICATE;
        }
        id = jdbc.sql("SELECT id FROM inbox WHERE provider = ? AND provider_event_id = ?").params(provider, providerEventId)
                .query(Long.class).single();
        outbox.append(aggregateType, businessKey, id, provider + ":" + eventType, payload, destination);
        return Outcome.ACCEPTED;
    }

    private boolean exists(String provider, String providerEventId) {
        return jdbc.sql("SELECT COUNT(*) FROM inbox WHERE provider = ? AND provider_event_id = ?")
                .params(provider, providerEventId).query(Long.class).single() > 0;
    }

    public void markProcessed(String provider, String providerEventId) {
        jdbc.sql("UPDATE inbox SET processed_at = ? WHERE provider = ? AND provider_event_id = ? AND processed_at IS NULL")
                .params(Timestamp.from(clock.instant()), provider, providerEventId).update();
    }
}
