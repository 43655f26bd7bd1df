package io.crmhub.events;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Inbound provider events, stored once per (provider, provider event id) together with the outbox event that routes
 * them to their flow, in one transaction: a provider re-sending (or sending 50 copies at once) produces one row and
 * one event; the copies are acknowledged without effect. Entries that arrive together are written together
 * ({@link InboxWriter} groups concurrent requests into one commit); nothing is acknowledged before its commit.
 */
@Component
public class Inbox {
    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final OutboxWriter outbox;
    private final TransactionTemplate tx;
    private final Clock clock;

    public Inbox(JdbcClient jdbc, JdbcTemplate batch, OutboxWriter outbox, TransactionTemplate tx, Clock clock) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
    }

    public enum Outcome { ACCEPTED, DUPLICATE }

    /**
     * One inbound event.
     *
     * @param aggregateType and {@code businessKey}: the message group of the routed event (one payment's
     *                      notifications stay in order)
     * @param payloadJson   what is stored in the inbox and routed on, as JSON
     * @param destination   the address the event is published to, e.g. {@code crm.payment.notified}
     * @param correlationId the correlation id of the request that brought it
     */
    public record Entry(String provider, String providerEventId, String eventType, String aggregateType, String businessKey,
                        String payloadJson, String destination, String correlationId) {
        public Entry {
            correlationId = correlationId == null ? Correlation.currentOrNew() : correlationId;
        }

        String key() {
            return provider + "\u0000" + providerEventId;
        }
    }

    /** Stores entries in one transaction; outcomes in the order given. A concurrent writer's copy fails the batch. */
    public List<Outcome> acceptAll(List<Entry> entries) {
        return tx.execute(status -> write(entries));
    }

    /** One entry in its own transaction; a copy written concurrently by another instance counts as a duplicate. */
    public Outcome accept(Entry entry) {
        try {
            return acceptAll(List.of(entry)).get(0);
        } catch (DuplicateKeyException concurrentCopy) {
            return Outcome.DUPLICATE;
        }
    }

    private List<Outcome> write(List<Entry> entries) {
        Map<String, Entry> fresh = new LinkedHashMap<>();
        for (Entry e : entries) {
            fresh.putIfAbsent(e.key(), e);
        }
        fresh.keySet().removeAll(existing(fresh.values()));
        if (!fresh.isEmpty()) {
            Timestamp now = Timestamp.from(clock.instant());
            List<Object[]> rows = new ArrayList<>();
            fresh.values().forEach(e -> rows.add(new Object[] {e.provider(), e.providerEventId(), e.eventType(), e.correlationId(),
                    e.payloadJson(), now}));
            batch.batchUpdate("""
                    INSERT INTO inbox (provider, provider_event_id, event_type, correlation_id, payload, received_at)
                    VALUES (?, ?, ?, ?, ?, ?)""", rows);
            Map<String, Long> ids = ids(fresh.values());
            // the routed event carries the correlation id of the request that brought it, and the payload as stored
            outbox.appendAll(fresh.values().stream().map(e -> new OutboxWriter.Event(e.aggregateType(), e.businessKey(),
                    ids.get(e.key()), e.provider() + ":" + e.eventType(), e.payloadJson(), e.destination(), e.correlationId())).toList());
        }
        Set<Entry> written = new HashSet<>();
        List<Outcome> outcomes = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            Entry first = fresh.get(e.key());
            outcomes.add(first != null && written.add(first) ? Outcome.ACCEPTED : Outcome.DUPLICATE);
        }
        return outcomes;
    }

    // point queries on the unique (provider, provider_event_id) index: an IN list over it is a table scan on H2
    private Set<String> existing(Iterable<Entry> entries) {
        Set<String> found = new HashSet<>();
        for (Entry e : entries) {
            if (idOf(e) != null) {
                found.add(e.key());
            }
        }
        return found;
    }

    private Map<String, Long> ids(Iterable<Entry> entries) {
        Map<String, Long> ids = new HashMap<>();
        entries.forEach(e -> ids.put(e.key(), idOf(e)));
        return ids;
    }

    private Long idOf(Entry e) {
        return jdbc.sql("SELECT id FROM inbox WHERE provider = ? AND provider_event_id = ?").params(e.provider(), e.providerEventId())
                .query(Long.class).optional().orElse(null);
    }

    public void markProcessed(String provider, String providerEventId) {
        jdbc.sql("UPDATE inbox SET processed_at = ? WHERE provider = ? AND provider_event_id = ? AND processed_at IS NULL")
                .params(Timestamp.from(clock.instant()), provider, providerEventId).update();
    }
}
