package io.crmhub.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Publishes outbox rows to Artemis in id order, in transacted batches, then marks them published.
 * <ul>
 *   <li>Several hub instances: only the holder of the {@code outbox-relay} lease relays, so per-aggregate order holds.</li>
 *   <li>A crash between the broker commit and the marking re-sends the batch; Artemis drops the copies by
 *       {@code _AMQ_DUPL_ID} and the flows are idempotent besides.</li>
 *   <li>Messages are persistent and grouped by aggregate ({@code JMSXGroupID}), so one customer's events stay in order.</li>
 * </ul>
 */
@Component
public class OutboxRelay implements SmartLifecycle {
    static final String LEASE = "outbox-relay";
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final JdbcClient jdbc;
    private final ConnectionFactory connectionFactory;
    private final ClusterLease lease;
    private final OutboxSignal signal;
    private final InboxWriter ingest;
    private final BurstYield burstYield;
    private final OutboxProperties properties;
    private final BrokerTopology topology;
    private final Clock clock;
    private final Counter published;

    private volatile boolean running;
    private Thread worker;
    private Connection connection;
    private Session session;
    private MessageProducer producer;
    private final Map<String, jakarta.jms.Topic> destinations = new HashMap<>();

    public OutboxRelay(JdbcClient jdbc, ConnectionFactory connectionFactory, ClusterLease lease, OutboxSignal signal,
                       InboxWriter ingest, OutboxProperties properties, BrokerTopology topology, Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.connectionFactory = connectionFactory;
        this.lease = lease;
        this.signal = signal;
        this.ingest = ingest;
        this.burstYield = new BurstYield(properties.yieldToIngest());
        this.properties = properties;
        this.topology = topology;
        this.clock = clock;
        this.published = Counter.builder("crmhub.outbox.published").description("Events relayed to the broker").register(meters);
        Gauge.builder("crmhub.outbox.lag.seconds", this, OutboxRelay::lagSeconds)
                .description("Age of the oldest event not yet relayed to the broker (0 when none)").register(meters);
        Gauge.builder("crmhub.outbox.backlog", this, OutboxRelay::backlog)
                .description("Events not yet relayed to the broker").register(meters);
    }

    record Row(long id, String eventId, String aggregateType, String aggregateId, long version, String eventType,
               String destination, String correlationId, String payload, Instant createdAt) {
    }

    @Override
    public void start() {
        running = true;
    }

    /** Relaying begins once the whole hub is up (flows consuming), never during a start-up that may still fail. */
    @EventListener(ApplicationReadyEvent.class)
    void startRelaying() {
        if (!properties.relayEnabled()) {
            log.info("Outbox relay disabled on this instance");
            return;
        }
        if (running && worker == null) {
            worker = new Thread(this::loop, "outbox-relay");
            worker.setDaemon(true);
            worker.start();
        }
    }

    @Override
    public void stop() {
        running = false;
        if (worker != null) {
            signal.wake();
            worker.interrupt();
            try {
                worker.join(5_000);
                worker = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeBroker();
        try {
            lease.release(LEASE);
        } catch (RuntimeException e) {
            log.debug("could not release relay lease on stop: {}", e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Start after the broker topology and Camel consumers; stop before them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 10;
    }

    private void loop() {
        long failures = 0;
        while (running) {
            try {
                if (!lease.acquireOrRenew(LEASE, properties.leaseDuration())) {
                    signal.await(properties.pollInterval());
                    continue;
                }
                if (yieldingToIngest()) {
                    signal.await(Duration.ofMillis(20));
                    continue;
                }
                int sent = relayOnce();
                failures = 0;
                if (sent < properties.batchSize()) {
                    signal.await(properties.pollInterval());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                closeBroker();
                long backoff = Math.min(10_000, 250L << Math.min(failures++, 6));
                log.warn("Outbox relay failed ({}); retrying in {} ms", e.toString(), backoff);
                sleep(backoff);
            }
        }
    }

    private boolean yieldingToIngest() {
        return burstYield.holdBack(ingest.underBurst(), System.nanoTime());
    }

    /** Relays one batch; returns how many events it published. */
    int relayOnce() throws JMSException {
        List<Row> rows = jdbc.sql("""
                SELECT id, event_id, aggregate_type, aggregate_id, aggregate_version, event_type, destination,
                       correlation_id, payload, created_at
                FROM outbox WHERE published_at IS NULL ORDER BY published_at, id LIMIT ?""")
                .param(properties.batchSize())
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getTimestamp(10).toInstant()))
                .list();
        if (rows.isEmpty()) {
            return 0;
        }
        ensureBroker();
        try {
            for (Row row : rows) {
                send(row);
            }
            session.commit();
        } catch (JMSException e) {
            if (!isDuplicate(e)) {
                throw e;
            }
            // Part of the batch reached the broker before a crash and the broker refused the whole transaction as a
            // duplicate: send one by one, treating each refused duplicate as already published.
            closeBroker();
            ensureBroker();
            for (Row row : rows) {
                try {
                    send(row);
                    session.commit();
                } catch (JMSException single) {
                    if (!isDuplicate(single)) {
                        throw single;
                    }
                    rollbackQuietly();
                    log.info("Event {} was already on the broker; marking it published", row.eventId());
                }
            }
        }
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("UPDATE outbox SET published_at = :now WHERE id IN (:ids)")
                .param("now", now)
                .param("ids", rows.stream().map(Row::id).toList())
                .update();
        published.increment(rows.size());
        return rows.size();
    }

    private void send(Row row) throws JMSException {
        TextMessage message = session.createTextMessage(row.payload());
        message.setStringProperty(EventHeaders.GROUP_ID, row.aggregateType() + ":" + row.aggregateId());
        message.setStringProperty(EventHeaders.BROKER_DUPLICATE_ID, row.eventId());
        message.setStringProperty(EventHeaders.EVENT_ID, row.eventId());
        message.setStringProperty(EventHeaders.EVENT_TYPE, row.eventType());
        message.setStringProperty(EventHeaders.AGGREGATE_TYPE, row.aggregateType());
        message.setStringProperty(EventHeaders.AGGREGATE_ID, row.aggregateId());
        message.setLongProperty(EventHeaders.AGGREGATE_VERSION, row.version());
        message.setStringProperty(EventHeaders.CORRELATION_ID, row.correlationId());
        message.setLongProperty(EventHeaders.CREATED_AT, row.createdAt().toEpochMilli());
        message.setJMSCorrelationID(row.correlationId());
        producer.send(destination(row.destination()), message, DeliveryMode.PERSISTENT, 4, 0);
    }

    static boolean isDuplicate(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException
                    || (c.getMessage() != null && c.getMessage().contains("Duplicate message detected"))) {
                return true;
            }
        }
        return false;
    }

    private void rollbackQuietly() {
        try {
            session.rollback();
        } catch (JMSException e) {
            log.debug("rollback after duplicate: {}", e.getMessage());
        }
    }

    private jakarta.jms.Topic destination(String name) throws JMSException {
        jakarta.jms.Topic topic = destinations.get(name);
        if (topic == null) {
            topic = session.createTopic(name);
            destinations.put(name, topic);
        }
        return topic;
    }

    private void ensureBroker() throws JMSException {
        if (session != null) {
            return;
        }
        topology.ensure();
        connection = connectionFactory.createConnection();
        connection.start();
        session = connection.createSession(true, Session.SESSION_TRANSACTED);
        producer = session.createProducer(null);
    }

    private void closeBroker() {
        destinations.clear();
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (JMSException e) {
            log.debug("closing relay connection: {}", e.getMessage());
        } finally {
            connection = null;
            session = null;
            producer = null;
        }
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    void purgePublished() {
        int purged = jdbc.sql("DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < ?")
                .param(Timestamp.from(clock.instant().minus(properties.retainPublished()))).update();
        if (purged > 0) {
            log.info("Purged {} relayed outbox rows older than {}", purged, properties.retainPublished());
        }
    }

    double lagSeconds() {
        List<Timestamp> oldest = jdbc.sql("SELECT created_at FROM outbox WHERE published_at IS NULL ORDER BY published_at, id LIMIT 1")
                .query(Timestamp.class).list();
        return oldest.isEmpty() ? 0 : Math.max(0, Duration.between(oldest.get(0).toInstant(), clock.instant()).toMillis() / 1000.0);
    }

    double backlog() {
        return jdbc.sql("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL").query(Long.class).single();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
