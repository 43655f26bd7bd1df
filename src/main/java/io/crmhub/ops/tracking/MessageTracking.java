package io.crmhub.ops.tracking;

import io.crmhub.logging.PiiMasking;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Finds the messages behind a key (correlation id, event id, entity key such as {@code customer:12} (any case), our business
 * reference such as {@code CRM-C-12}, an order number, a payment reference or provider transaction id, or an
 * external system's id) and lays out each message's hops:
 * CRM commit → broker publish → each flow outcome (synced, skipped, parked) → operator replays and discards.
 */
@Component
public class MessageTracking {
    private static final Pattern ENTITY = Pattern.compile("(?i)^(customer|order|payment|invoice|contract|interaction):(\\d{1,18})$");
    private static final Pattern REFERENCE = Pattern.compile("^CRM-([CO])-(\\d{1,18})$");
    private static final int MAX_EVENTS = 100;

    private final JdbcClient jdbc;

    public MessageTracking(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Hop(Instant at, String hop, String outcome, Long millisSinceCommit, String detail) {
    }

    public record TrackedMessage(String eventId, String correlationId, String entity, String eventType, Long version,
                                 List<Hop> hops) {
    }

    public record TrackingResult(String key, List<String> entities, List<TrackedMessage> messages, boolean truncated) {
    }

    public TrackingResult track(String key) {
        String k = key.trim();
        Set<String> entities = new LinkedHashSet<>(entitiesFor(k));
        Set<String> eventIds = new LinkedHashSet<>();
        eventIds.addAll(jdbc.sql("SELECT event_id FROM outbox WHERE event_id = ? OR correlation_id = ? ORDER BY id").params(k, k)
                .query(String.class).list());
        eventIds.addAll(jdbc.sql("SELECT DISTINCT event_id FROM sync_journal WHERE (event_id = ? OR correlation_id = ?) AND event_id IS NOT NULL")
                .params(k, k).query(String.class).list());
        eventIds.addAll(jdbc.sql("SELECT event_id FROM parked_message WHERE (event_id = ? OR correlation_id = ?) AND event_id IS NOT NULL")
                .params(k, k).query(String.class).list());
        for (String entity : entities) {
            String[] parts = entity.split(":", 2);
            eventIds.addAll(jdbc.sql("SELECT event_id FROM outbox WHERE aggregate_type = ? AND aggregate_id = ? ORDER BY id")
                    .params(parts[0], parts[1]).query(String.class).list());
            if (parts[1].matches("\\d{1,18}")) {
                eventIds.addAll(jdbc.sql("""
                        SELECT DISTINCT event_id FROM sync_journal WHERE entity_type = ? AND entity_id = ? AND event_id IS NOT NULL""")
                        .params(parts[0].toUpperCase(Locale.ROOT), Long.parseLong(parts[1])).query(String.class).list());
            }
            eventIds.addAll(jdbc.sql("SELECT event_id FROM parked_message WHERE entity_key = ? AND event_id IS NOT NULL")
                    .param(entity).query(String.class).list());
        }
        List<TrackedMessage> messages = new ArrayList<>();
        for (String eventId : eventIds) {
            if (messages.size() >= MAX_EVENTS) {
                break;
            }
            messages.add(message(eventId));
        }
        messages.sort(Comparator.comparing((TrackedMessage m) -> m.hops().isEmpty() ? Instant.MAX : m.hops().get(0).at()));
        return new TrackingResult(k, List.copyOf(entities), messages, eventIds.size() > MAX_EVENTS);
    }

    private List<String> entitiesFor(String key) {
        List<String> found = new ArrayList<>();
        Matcher entity = ENTITY.matcher(key);
        if (entity.matches()) {
            found.add(entity.group(1).toLowerCase(Locale.ROOT) + ":" + Long.parseLong(entity.group(2)));
        }
        Matcher reference = REFERENCE.matcher(key);
        if (reference.matches()) {
            found.add(("C".equals(reference.group(1)) ? "customer:" : "order:") + Long.parseLong(reference.group(2)));
        }
        jdbc.sql("SELECT id FROM sales_order WHERE order_number = ?").param(key).query(Long.class).list()
                .forEach(id -> found.add("order:" + id));
        // a payment: its own events by id, the provider notifications about it by our reference
        jdbc.sql("SELECT id, payment_reference FROM payment WHERE provider_txn_id = ? OR payment_reference = ?").params(key, key)
                .query((rs, n) -> List.of("payment:" + rs.getLong(1), "payment:" + rs.getString(2))).list().forEach(found::addAll);
        jdbc.sql("SELECT entity_type, entity_id FROM external_link WHERE external_id = ?").param(key)
                .query((rs, n) -> rs.getString(1).toLowerCase(Locale.ROOT) + ":" + rs.getLong(2)).list().forEach(found::add);
        return found;
    }

    private TrackedMessage message(String eventId) {
        Map<String, Object> outbox = jdbc.sql("""
                SELECT correlation_id, aggregate_type, aggregate_id, aggregate_version, event_type, created_at, published_at
                FROM outbox WHERE event_id = ?""").param(eventId)
                .query((rs, n) -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("correlationId", rs.getString(1));
                    row.put("entity", rs.getString(2) + ":" + rs.getString(3));
                    row.put("version", rs.getLong(4));
                    row.put("eventType", rs.getString(5));
                    row.put("createdAt", rs.getTimestamp(6).toInstant());
                    row.put("publishedAt", instant(rs.getTimestamp(7)));
                    return row;
                }).optional().orElse(Map.of());
        Instant committed = (Instant) outbox.get("createdAt");
        List<Hop> hops = new ArrayList<>();
        if (committed != null) {
            hops.add(new Hop(committed, "crm.commit", "OK", 0L, outbox.get("eventType") + " written with its outbox event"));
            Instant published = (Instant) outbox.get("publishedAt");
            hops.add(published == null
                    ? new Hop(null, "broker.publish", "PENDING", null, "waiting in the outbox")
                    : new Hop(published, "broker.publish", "OK", since(committed, published), "relayed to Artemis"));
        }
        String[] entity = {(String) outbox.get("entity")};
        String[] correlation = {(String) outbox.get("correlationId")};
        Long[] version = {(Long) outbox.get("version")};
        jdbc.sql("""
                SELECT occurred_at, flow, outcome, system, external_id, message, entity_type, entity_id, correlation_id, entity_version
                FROM sync_journal WHERE event_id = ? ORDER BY occurred_at, id""").param(eventId)
                .query((rs, n) -> {
                    Instant at = rs.getTimestamp(1).toInstant();
                    entity[0] = entity[0] != null ? entity[0] : rs.getString(7).toLowerCase(Locale.ROOT) + ":" + rs.getLong(8);
                    correlation[0] = correlation[0] != null ? correlation[0] : rs.getString(9);
                    version[0] = version[0] != null ? version[0] : rs.getLong(10);
                    String detail = rs.getString(4) + (rs.getString(5) == null ? "" : " " + rs.getString(5))
                            + (rs.getString(6) == null ? "" : ": " + rs.getString(6));
                    return new Hop(at, rs.getString(2), rs.getString(3), since(committed, at), PiiMasking.mask(detail));
                }).list().forEach(hops::add);
        List<Long> parkedIds = new ArrayList<>();
        jdbc.sql("""
                SELECT id, flow, status, reason, attempts, first_failed_at, last_failed_at, entity_key, correlation_id
                FROM parked_message WHERE event_id = ?""").param(eventId)
                .query((rs, n) -> {
                    parkedIds.add(rs.getLong(1));
                    entity[0] = entity[0] != null ? entity[0] : rs.getString(8);
                    correlation[0] = correlation[0] != null ? correlation[0] : rs.getString(9);
                    Instant at = rs.getTimestamp(6).toInstant();
                    return new Hop(at, rs.getString(2), "PARKED", since(committed, at),
                            "parked message " + rs.getLong(1) + " (now " + rs.getString(3) + ") after " + rs.getInt(5)
                                    + " attempt(s): " + PiiMasking.mask(rs.getString(4)));
                }).list().forEach(hops::add);
        for (Long parkedId : parkedIds) {
            jdbc.sql("""
                    SELECT occurred_at, action, actor, reason FROM audit_log
                    WHERE target_type = 'parked_message' AND target_id = ? ORDER BY occurred_at, id""").param(String.valueOf(parkedId))
                    .query((rs, n) -> {
                        Instant at = rs.getTimestamp(1).toInstant();
                        return new Hop(at, "ops." + rs.getString(2), "BY " + rs.getString(3), since(committed, at),
                                rs.getString(4) == null ? "" : rs.getString(4));
                    }).list().forEach(hops::add);
        }
        hops.sort(Comparator.comparing(Hop::at, Comparator.nullsLast(Comparator.naturalOrder())));
        return new TrackedMessage(eventId, correlation[0], entity[0], (String) outbox.get("eventType"), version[0], hops);
    }

    private static Long since(Instant committed, Instant at) {
        return committed == null || at == null ? null : Duration.between(committed, at).toMillis();
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
