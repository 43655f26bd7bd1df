package io.crmhub.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.events.EventHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Where the shared error handling puts a message it gives up on: durably, with payload, headers, flow, connector,
 * reason, attempts and first/last failure time, so an engineer can see, fix and replay it. Parking the same event
 * again (a failed replay) updates its row. If this write fails the exception escapes, the broker transaction rolls
 * back and the message stays on its queue: nothing is acknowledged before it is durable.
 */
@Component("parkedMessages")
public class ParkedMessages {
    public static final String PARKED = "PARKED";
    /** Sent back to its flow by an operator; becomes RESOLVED when the flow succeeds, PARKED again when it fails. */
    public static final String REPLAYED = "REPLAYED";
    public static final String RESOLVED = "RESOLVED";
    public static final String DISCARDED = "DISCARDED";
    private static final Logger log = LoggerFactory.getLogger(ParkedMessages.class);

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry meters;

    public ParkedMessages(JdbcClient jdbc, ObjectMapper json, Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
    }

    public void park(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String flow = exchange.getFromRouteId();
        String connector = cause instanceof ConnectorException ce ? ce.connector() : null;
        boolean transientFault = cause instanceof TransientConnectorException;
        String reason = cause == null ? "unknown" : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int attempts = FailedAttempts.attempts(exchange);
        String eventId = exchange.getMessage().getHeader(EventHeaders.EVENT_ID, String.class);
        String entityKey = entityKey(exchange);
        String payload = exchange.getVariable(FlowContext.RAW_BODY, String.class);
        Timestamp now = Timestamp.from(clock.instant());
        String headers = headers(exchange);

        int updated = eventId == null ? 0 : jdbc.sql("""
                UPDATE parked_message SET reason_class = ?, reason = ?, transient_fault = ?, attempts = attempts + ?,
                       headers = ?, payload = ?, status = ?, last_failed_at = ?, connector = ?
                WHERE flow = ? AND event_id = ?""")
                .params(className(cause), truncate(io.crmhub.logging.PiiMasking.mask(reason), 2000), transientFault, attempts, headers, payload, PARKED, now,
                        connector, flow, eventId)
                .update();
        if (updated == 0) {
            jdbc.sql("""
                    INSERT INTO parked_message (flow, connector, entity_key, event_id, correlation_id, reason_class, reason,
                           transient_fault, attempts, source_endpoint, headers, payload, status, first_failed_at, last_failed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(flow, connector, entityKey, eventId,
                            exchange.getMessage().getHeader(EventHeaders.CORRELATION_ID, String.class),
                            className(cause), truncate(io.crmhub.logging.PiiMasking.mask(reason), 2000), transientFault, attempts,
                            exchange.getFromEndpoint() == null ? null : truncate(exchange.getFromEndpoint().getEndpointUri(), 300),
                            headers, payload, PARKED, now, now)
                    .update();
        }
        meters.counter("crmhub.flow.parked", "flow", flow, "connector", connector == null ? "none" : connector).increment();
        log.warn("Parked {} of flow {} after {} attempt(s): {}", entityKey, flow, attempts, reason);
    }

    /** {@code source_endpoint} of a record a poller parked: {@code poll:<watermark>@<change time>}. */
    public static final String POLL_SOURCE = "poll:";

    /**
     * Parks one record a poller read but could not store (an unmapped code, a customer the CRM does not know), inside
     * the page's transaction, so the poll goes on with the others. Replaying it rewinds the poller's watermark to the
     * record's change time: the next poll reads it again, and storing it resolves this row. Parking the same record
     * again (still failing) updates its row.
     *
     * @param entityKey e.g. {@code invoice:90000017}: one row per record and flow
     * @param record    the record as read, kept as JSON for the engineer
     */
    public void parkPolled(String flow, String watermark, String entityKey, Instant changedAt, String reason, Object record) {
        String payload;
        try {
            payload = json.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            payload = String.valueOf(record);
        }
        Timestamp now = Timestamp.from(clock.instant());
        String source = POLL_SOURCE + watermark + "@" + changedAt;
        int updated = jdbc.sql("""
                UPDATE parked_message SET reason = ?, attempts = attempts + 1, payload = ?, status = ?, last_failed_at = ?,
                       source_endpoint = ?
                WHERE flow = ? AND event_id = ? AND status <> ?""")
                .params(truncate(io.crmhub.logging.PiiMasking.mask(reason), 2000), payload, PARKED, now, source, flow, entityKey, DISCARDED).update();
        if (updated == 0 && jdbc.sql("SELECT COUNT(*) FROM parked_message WHERE flow = ? AND event_id = ?").params(flow, entityKey)
                .query(Long.class).single() == 0) {
            jdbc.sql("""
                    INSERT INTO parked_message (flow, connector, entity_key, event_id, correlation_id, reason_class, reason,
                           transient_fault, attempts, source_endpoint, headers, payload, status, first_failed_at, last_failed_at)
                    VALUES (?, NULL, ?, ?, NULL, ?, ?, FALSE, 1, ?, '{}', ?, ?, ?, ?)""")
                    .params(flow, entityKey, entityKey, "poll", truncate(io.crmhub.logging.PiiMasking.mask(reason), 2000), source, payload, PARKED, now, now).update();
            meters.counter("crmhub.flow.parked", "flow", flow, "connector", "none").increment();
            log.warn("Parked {} read by {}: {}", entityKey, flow, reason);
        }
    }

    /** A polled record stored at last (after a replay or because its cause went away): its parked row is resolved. */
    public void resolvePolled(String flow, String entityKey, String resolution) {
        int resolved = jdbc.sql("UPDATE parked_message SET status = ?, resolved_at = ?, resolution = ? WHERE flow = ? AND event_id = ? AND status IN (?, ?)")
                .params(RESOLVED, Timestamp.from(clock.instant()), resolution, flow, entityKey, PARKED, REPLAYED).update();
        if (resolved > 0) {
            log.info("Parked {} of {} resolved: {}", entityKey, flow, resolution);
        }
    }

    /**
     * Called when a flow finishes a message: if it was a replay of a parked message, that message is resolved.
     * Costs nothing for ordinary messages.
     */
    public void resolveIfReplay(Exchange exchange, String resolution) {
        Long parkedId = exchange.getMessage().getHeader(EventHeaders.REPLAY_OF, Long.class);
        if (parkedId == null) {
            return;
        }
        jdbc.sql("UPDATE parked_message SET status = ?, resolved_at = ?, resolution = ? WHERE id = ? AND status = ?")
                .params(RESOLVED, Timestamp.from(clock.instant()), resolution, parkedId, REPLAYED)
                .update();
        log.info("Parked message {} resolved on replay: {}", parkedId, resolution);
    }

    private static String entityKey(Exchange exchange) {
        String type = exchange.getMessage().getHeader(EventHeaders.AGGREGATE_TYPE, String.class);
        String id = exchange.getMessage().getHeader(EventHeaders.AGGREGATE_ID, String.class);
        return type == null ? null : type + ":" + id;
    }

    private String headers(Exchange exchange) {
        Map<String, Object> kept = new TreeMap<>();
        exchange.getMessage().getHeaders().forEach((k, v) -> {
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                kept.put(k, v);
            }
        });
        try {
            return json.writeValueAsString(kept);
        } catch (JsonProcessingException e) {
            return "{}";
        }
    }

    private static String className(Throwable t) {
        return t == null ? "unknown" : t.getClass().getName();
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
