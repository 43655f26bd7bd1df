package io.crmhub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crmhub.events.ClusterLease;
import io.crmhub.support.HubIntegrationTest;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class OutboxRelayIT extends HubIntegrationTest {
    @Autowired
    ConnectionFactory connectionFactory;
    @Autowired
    OutboxSignal signal;

    @Test
    void onlyOneInstanceHoldsALeaseUntilItIsReleasedOrExpires() {
        String name = "test-lease-" + UUID.randomUUID();
        Instant now = Instant.now();
        ClusterLease a = new ClusterLease(jdbc, Clock.fixed(now, ZoneOffset.UTC));
        ClusterLease b = new ClusterLease(jdbc, Clock.fixed(now, ZoneOffset.UTC));
        assertThat(a.acquireOrRenew(name, Duration.ofSeconds(10))).isTrue();
        assertThat(b.acquireOrRenew(name, Duration.ofSeconds(10))).as("held by a").isFalse();
        assertThat(a.acquireOrRenew(name, Duration.ofSeconds(10))).as("a renews").isTrue();

        ClusterLease bLater = new ClusterLease(jdbc, Clock.fixed(now.plusSeconds(11), ZoneOffset.UTC));
        assertThat(bLater.acquireOrRenew(name, Duration.ofSeconds(10))).as("a's lease expired (a died)").isTrue();
        ClusterLease aLater = new ClusterLease(jdbc, Clock.fixed(now.plusSeconds(12), ZoneOffset.UTC));
        assertThat(aLater.acquireOrRenew(name, Duration.ofSeconds(10))).isFalse();
        bLater.release(name);
        assertThat(aLater.acquireOrRenew(name, Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aHolderWritesItsLeaseOnlyWhenHalfOfItHasRunOut() {
        String name = "test-lease-" + UUID.randomUUID();
        Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Instant[] now = {start};
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        ClusterLease holder = new ClusterLease(jdbc, moving);
        assertThat(holder.acquireOrRenew(name, Duration.ofSeconds(10))).isTrue();
        Instant written = expiresAt(name);

        now[0] = start.plusSeconds(4);
        assertThat(holder.acquireOrRenew(name, Duration.ofSeconds(10))).as("more than half left").isTrue();
        assertThat(expiresAt(name)).as("not written again").isEqualTo(written);

        now[0] = start.plusSeconds(6);
        assertThat(holder.acquireOrRenew(name, Duration.ofSeconds(10))).as("less than half left").isTrue();
        assertThat(expiresAt(name)).as("renewed").isEqualTo(start.plusSeconds(16));

        ClusterLease other = new ClusterLease(jdbc, Clock.fixed(start.plusSeconds(15), ZoneOffset.UTC));
        assertThat(other.acquireOrRenew(name, Duration.ofSeconds(10))).as("the renewal holds it past the first expiry").isFalse();
    }

    private Instant expiresAt(String lease) {
        return jdbc.sql("SELECT expires_at FROM cluster_lease WHERE name = ?").param(lease).query(Timestamp.class).single().toInstant();
    }

    @Test
    void eventsAreRelayedInOrderGroupedByAggregateAndABatchPartlyOnTheBrokerIsNotDuplicated() throws Exception {
        String address = "crm.relaytest.changed";
        try (Connection connection = connectionFactory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic topic = session.createTopic(address);
            MessageConsumer consumer = session.createSharedDurableConsumer(topic, "relaytest-" + UUID.randomUUID());

            List<String> eventIds = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                eventIds.add(UUID.randomUUID().toString());
            }
            // the first event already reached the broker before a (simulated) relay crash
            MessageProducer producer = session.createProducer(topic);
            Message early = session.createTextMessage("{\"n\":0}");
            early.setStringProperty(EventHeaders.BROKER_DUPLICATE_ID, eventIds.get(0));
            early.setStringProperty(EventHeaders.EVENT_ID, eventIds.get(0));
            producer.send(early);

            jdbc.sql("DELETE FROM outbox WHERE published_at IS NULL AND destination = ?").param(address).update();
            for (int i = 0; i < eventIds.size(); i++) {
                jdbc.sql("""
                        INSERT INTO outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, destination,
                                            correlation_id, payload, created_at)
                        VALUES (?, 'relaytest', '7', ?, 'changed', ?, 'cid-relaytest', ?, ?)""")
                        .params(eventIds.get(i), i + 1, address, "{\"n\":" + i + "}", Timestamp.from(Instant.now())).update();
            }
            signal.wake();
            await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
                    "SELECT COUNT(*) FROM outbox WHERE destination = ? AND published_at IS NULL").param(address).query(Long.class).single() == 0);

            List<Message> received = new ArrayList<>();
            for (Message m; (m = consumer.receive(1_000)) != null; ) {
                received.add(m);
            }
            assertThat(received).extracting(m -> m.getStringProperty(EventHeaders.EVENT_ID)).containsExactlyElementsOf(eventIds);
            assertThat(received.subList(1, received.size()))
                    .allSatisfy(m -> {
                        assertThat(m.getStringProperty(EventHeaders.GROUP_ID)).isEqualTo("relaytest:7");
                        assertThat(m.getStringProperty(EventHeaders.CORRELATION_ID)).isEqualTo("cid-relaytest");
                        assertThat(m.getJMSDeliveryMode()).isEqualTo(jakarta.jms.DeliveryMode.PERSISTENT);
                    });
            assertThat(received.subList(1, received.size())).extracting(m -> m.getLongProperty(EventHeaders.AGGREGATE_VERSION))
                    .containsExactly(2L, 3L, 4L, 5L);
        }
    }
}
