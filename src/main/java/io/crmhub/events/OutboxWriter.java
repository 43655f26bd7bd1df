package io.crmhub.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Appends an event to the outbox inside the caller's transaction (it refuses to run without one), so the CRM change
 * and its event commit or roll back together. After commit it nudges the relay so the event leaves at once.
 */
@Component
public class OutboxWriter {
    private final JdbcTemplate batch;
    private final ObjectMapper json;
    private final OutboxSignal signal;
    private final Clock clock;

    public OutboxWriter(JdbcTemplate batch, ObjectMapper json, OutboxSignal signal, Clock clock) {
        this.batch = batch;
        this.json = json;
        this.signal = signal;
        this.clock = clock;
    }

    /** Address naming: {@code crm.<aggregate>.changed}. */
    public static String destinationOf(String aggregateType) {
        return "crm." + aggregateType + ".changed";
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public String append(String aggregateType, Object aggregateId, long version, String eventType, Object payload) {
        return append(aggregateType, aggregateId, version, eventType, payload, destinationOf(aggregateType));
    }

    /** An event for an address other than the aggregate's {@code crm.<aggregate>.changed} (e.g. inbound notifications). */
    @Transactional(propagation = Propagation.MANDATORY)
    public String append(String aggregateType, Object aggregateId, long version, String eventType, Object payload,
                         String destination) {
        String body;
        try {
            body = json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + aggregateType + " event", e);
        }
        return appendAll(List.of(new Event(aggregateType, String.valueOf(aggregateId), version, eventType, body, destination,
                Correlation.currentOrNew()))).get(0);
    }

    /** An event whose payload is already JSON, with the correlation id it carries. */
    public record Event(String aggregateType, String aggregateId, long version, String eventType, String payloadJson,
                        String destination, String correlationId) {
    }

    /** Appends several events in one batch (the inbox stores a whole group commit's notifications this way); their ids. */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<String> appendAll(List<Event> events) {
        Timestamp now = Timestamp.from(clock.instant());
        List<String> ids = new ArrayList<>(events.size());
        List<Object[]> rows = new ArrayList<>(events.size());
        for (Event e : events) {
            String eventId = TimeOrderedIds.next();
            ids.add(eventId);
            rows.add(new Object[] {eventId, e.aggregateType(), e.aggregateId(), e.version(), e.eventType(), e.destination(),
                    e.correlationId(), e.payloadJson(), now});
        }
        batch.batchUpdate("""
                INSERT INTO outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, destination,
                                    correlation_id, payload, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signal.wake();
                }
            });
        }
        return ids;
    }
}
