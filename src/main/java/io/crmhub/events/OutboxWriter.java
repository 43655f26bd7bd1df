package io.crmhub.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
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
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final OutboxSignal signal;
    private final Clock clock;

    public OutboxWriter(JdbcClient jdbc, ObjectMapper json, OutboxSignal signal, Clock clock) {
        this.jdbc = jdbc;
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
        String eventId = UUID.randomUUID().toString();
        String body;
        try {
            body = json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + aggregateType + " event", e);
        }
        jdbc.sql("""
                INSERT INTO outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, destination,
                                    correlation_id, payload, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(eventId, aggregateType, String.valueOf(aggregateId), version, eventType,
                        destination, Correlation.currentOrNew(), body, Timestamp.from(clock.instant()))
                .update();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signal.wake();
                }
            });
        }
        return eventId;
    }
}
