package io.crmhub.events;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * {@code crmhub.flow.backlog{queue}}: messages waiting in each flow's queue of the embedded broker. (An external
 * broker reports its queues through its own metrics.)
 */
@Component
class FlowBacklogMetrics {
    private final ObjectProvider<EmbeddedActiveMQ> embedded;
    private final BrokerProperties broker;
    private final MeterRegistry meters;

    FlowBacklogMetrics(ObjectProvider<EmbeddedActiveMQ> embedded, BrokerProperties broker, MeterRegistry meters) {
        this.embedded = embedded;
        this.broker = broker;
        this.meters = meters;
    }

    @EventListener(ApplicationReadyEvent.class)
    void register() {
        EmbeddedActiveMQ server = embedded.getIfAvailable();
        if (server == null) {
            return;
        }
        for (BrokerProperties.Subscription s : broker.subscriptions()) {
            Gauge.builder("crmhub.flow.backlog", server, b -> messageCount(b, s.queue()))
                    .description("Messages waiting in a flow's queue").tag("queue", s.queue()).register(meters);
        }
    }

    private static double messageCount(EmbeddedActiveMQ server, String queue) {
        if (server.getActiveMQServer() == null) {
            return Double.NaN;
        }
        Queue q = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return q == null ? Double.NaN : q.getMessageCount();
    }
}
