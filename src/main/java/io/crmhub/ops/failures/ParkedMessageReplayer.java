package io.crmhub.ops.failures;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.crm.common.NotFoundException;
import io.crmhub.events.BrokerTopology;
import io.crmhub.events.EventHeaders;
import io.crmhub.events.FlowQueue;
import io.crmhub.ops.audit.AuditLog;
import io.crmhub.routing.ParkedMessages;
import io.crmhub.routing.mapping.ValueMaps;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends parked messages back to the queue of the flow that parked them, with their original payload and event
 * headers, after re-reading the value maps (so a fixed mapping takes effect). The row is claimed
 * (PARKED → REPLAYED) in the same database transaction that sends, so two operators replaying at once send it once.
 * A replay that fails again is parked again on the same row; one that succeeds marks it RESOLVED.
 */
@Component
public class ParkedMessageReplayer {
    /** Most messages one request replays; the answer says when more matched. */
    static final int MAX_PER_REQUEST = 1000;
    private static final Logger log = LoggerFactory.getLogger(ParkedMessageReplayer.class);

    private final JdbcClient jdbc;
    private final JmsTemplate jms;
    private final TransactionTemplate tx;
    private final Failures failures;
    private final ValueMaps valueMaps;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;
    private final io.crmhub.routing.WatermarkPoller poller;
    private final BrokerTopology topology;

    public ParkedMessageReplayer(JdbcClient jdbc, JmsTemplate jms, TransactionTemplate tx, Failures failures,
                                 ValueMaps valueMaps, AuditLog audit, ObjectMapper json, Clock clock,
                                 io.crmhub.routing.WatermarkPoller poller, BrokerTopology topology) {
        this.poller = poller;
        this.topology = topology;
        this.jdbc = jdbc;
        this.jms = jms;
        this.tx = tx;
        this.failures = failures;
        this.valueMaps = valueMaps;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    private record Parked(long id, String status, String flow, String entityKey, String eventId, String reason,
                          String sourceEndpoint, String headers, String payload, int replayCount) {
    }

    public ReplayResult replay(ReplayRequest request) {
        List<Long> ids;
        long matched;
        if (request.ids() != null) {
            ids = request.ids();
            matched = ids.size();
        } else {
            FailureFilter filter = request.filter() == null ? FailureFilter.everythingParked() : request.filter();
            if (!"PARKED".equals(filter.statusOrDefault())) {
                throw new io.crmhub.crm.common.InvalidFieldException("filter.status", "only PARKED messages can be replayed");
            }
            matched = failures.count(filter);
            ids = failures.matchingIds(filter, MAX_PER_REQUEST);
        }
        if (!request.isDryRun()) {
            reloadValueMaps();
        }
        List<ReplayResult.Item> items = new ArrayList<>();
        List<ReplayResult.Skipped> skipped = new ArrayList<>();
        for (Long id : ids) {
            Parked parked = load(id);
            if (parked == null) {
                skipped.add(new ReplayResult.Skipped(id, "no such parked message"));
                continue;
            }
            String refusal = refusal(parked);
            if (refusal != null) {
                skipped.add(new ReplayResult.Skipped(id, refusal));
                continue;
            }
            if (request.isDryRun() || send(parked, request.reason())) {
                items.add(new ReplayResult.Item(id, parked.flow(), parked.entityKey(), parked.reason()));
            } else {
                skipped.add(new ReplayResult.Skipped(id, "changed while replaying; not sent"));
            }
        }
        if (request.isDryRun()) {
            audit.record("failure.replay.dry-run", "parked_message", null, request.reason(),
                    Map.of("matched", matched, "wouldReplay", items.size()));
        }
        return new ReplayResult(request.isDryRun(), (int) matched, request.isDryRun() ? 0 : items.size(), items, skipped,
                matched > ids.size());
    }

    public ReplayResult replayOne(long id, boolean dryRun, String reason) {
        if (load(id) == null) {
            throw new NotFoundException("Parked message", id);
        }
        return replay(new ReplayRequest(List.of(id), null, dryRun, reason));
    }

    public void discard(long id, String reason) {
        Parked parked = load(id);
        if (parked == null) {
            throw new NotFoundException("Parked message", id);
        }
        tx.executeWithoutResult(status -> {
            int updated = jdbc.sql("""
                    UPDATE parked_message SET status = ?, resolved_at = ?, resolution = ? WHERE id = ? AND status = ?""")
                    .params(ParkedMessages.DISCARDED, Timestamp.from(clock.instant()), "discarded: " + reason, id, ParkedMessages.PARKED)
                    .update();
            if (updated == 0) {
                throw new io.crmhub.crm.common.ConflictException("status", "Parked message " + id + " is " + parked.status()
                        + ", only PARKED messages can be discarded", null);
            }
            audit.record("failure.discard", "parked_message", String.valueOf(id), reason,
                    Map.of("flow", parked.flow(), "entityKey", String.valueOf(parked.entityKey()), "eventId", String.valueOf(parked.eventId())));
        });
        log.info("Parked message {} ({} of {}) discarded: {}", id, parked.entityKey(), parked.flow(), reason);
    }

    private void reloadValueMaps() {
        try {
            valueMaps.reload();
        } catch (IllegalStateException e) {
            throw new io.crmhub.crm.common.InvalidFieldException("mappings", "value maps do not load, nothing replayed: " + e.getMessage());
        }
    }

    private String refusal(Parked parked) {
        if (!ParkedMessages.PARKED.equals(parked.status())) {
            return "status is " + parked.status() + ", only PARKED messages are replayed";
        }
        if (parked.sourceEndpoint() != null && parked.sourceEndpoint().startsWith(ParkedMessages.POLL_SOURCE)) {
            return null;
        }
        if (parked.payload() == null) {
            return "no payload recorded; cannot be replayed";
        }
        if (topology.queueOf(parked.flow()).isEmpty()) {
            return "flow " + parked.flow() + " is not loaded (no route consumes its queue); cannot be replayed";
        }
        return null;
    }

    private boolean send(Parked parked, String reason) {
        Boolean sent = tx.execute(status -> {
            int claimed = jdbc.sql("""
                    UPDATE parked_message SET status = ?, replay_count = replay_count + 1, last_replayed_at = ?
                    WHERE id = ? AND status = ?""")
                    .params(ParkedMessages.REPLAYED, Timestamp.from(clock.instant()), parked.id(), ParkedMessages.PARKED)
                    .update();
            if (claimed == 0) {
                return false;
            }
            if (parked.sourceEndpoint().startsWith(ParkedMessages.POLL_SOURCE)) {
                // a record a poller parked: read its window again from the record's change time
                String source = parked.sourceEndpoint().substring(ParkedMessages.POLL_SOURCE.length());
                int at = source.lastIndexOf('@');
                poller.rewind(source.substring(0, at), java.time.Instant.parse(source.substring(at + 1)).minusMillis(1));
                audit.record("failure.replay", "parked_message", String.valueOf(parked.id()), reason,
                        Map.of("flow", parked.flow(), "entityKey", String.valueOf(parked.entityKey()), "rewound", source,
                                "replay", parked.replayCount() + 1));
                return true;
            }
            Map<String, Object> headers = replayHeaders(parked);
            jms.execute(session -> {
                Message message = session.createTextMessage(parked.payload());
                for (Map.Entry<String, Object> h : headers.entrySet()) {
                    message.setObjectProperty(h.getKey(), h.getValue());
                }
                String correlation = (String) headers.get(EventHeaders.CORRELATION_ID);
                if (correlation != null) {
                    message.setJMSCorrelationID(correlation);
                }
                // the flow's queue by its fully qualified name (address::queue) on the multicast address: only that
                // flow gets the message, not the other subscribers of the address
                String fqqn = topology.queueOf(parked.flow()).map(FlowQueue::fqqn).orElseThrow();
                try (MessageProducer producer = session.createProducer(session.createTopic(fqqn))) {
                    producer.send(message, DeliveryMode.PERSISTENT, 4, 0);
                }
                if (session.getTransacted()) {
                    session.commit();
                }
                return null;
            });
            audit.record("failure.replay", "parked_message", String.valueOf(parked.id()), reason,
                    Map.of("flow", parked.flow(), "entityKey", String.valueOf(parked.entityKey()),
                            "eventId", String.valueOf(parked.eventId()), "replay", parked.replayCount() + 1));
            return true;
        });
        if (Boolean.TRUE.equals(sent)) {
            log.info("Replayed parked message {} ({} of {})", parked.id(), parked.entityKey(), parked.flow());
        }
        return Boolean.TRUE.equals(sent);
    }

    /** The event headers as parked, plus which parked row this is a replay of and a fresh broker duplicate id. */
    private Map<String, Object> replayHeaders(Parked parked) {
        Map<String, Object> original;
        try {
            original = json.readValue(parked.headers(), new TypeReference<>() {
            });
        } catch (Exception e) {
            original = Map.of();
        }
        Map<String, Object> headers = new LinkedHashMap<>();
        original.forEach((name, value) -> {
            if ((name.startsWith("Crm") || name.equals(EventHeaders.GROUP_ID)) && value != null) {
                headers.put(name, value);
            }
        });
        headers.put(EventHeaders.REPLAY_OF, parked.id());
        headers.put(EventHeaders.BROKER_DUPLICATE_ID, parked.eventId() + "/replay/" + parked.id() + "/" + (parked.replayCount() + 1));
        return headers;
    }


    private Parked load(long id) {
        return jdbc.sql("""
                SELECT id, status, flow, entity_key, event_id, reason, source_endpoint, headers, payload, replay_count
                FROM parked_message WHERE id = ?""").param(id)
                .query((rs, n) -> new Parked(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10)))
                .optional().orElse(null);
    }
}
