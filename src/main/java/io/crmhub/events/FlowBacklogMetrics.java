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
 * {@code crmhub.flow.backlog{queue}}: messages waiting in each flow's queue (as the routes declare them) of the
 * embedded broker. (An external
 * broker reports its queues through its own metrics.)
 */
@Component
class FlowBacklogMetrics {
    private final ObjectProvider<EmbeddedActiveMQ> embedded;
    private final BrokerTopology topology;
    private final MeterRegistry meters;

    FlowBacklogMetrics(ObjectProvider<EmbeddedActiveMQ> embedded, BrokerTopology topology, MeterRegistry meters) {
        this.embedded = embedded;
        this.topology = topology;
        this.meters = meters;
    }

    @EventListener(ApplicationReadyEvent.class)
    void register() {
        EmbeddedActiveMQ server = embedded.getIfAvailable();
        if (server == null) {
            return;
        }
        topology.whenQueuesKnown(queues -> queues.forEach(q -> Gauge.builder("crmhub.flow.backlog", server, b -> messageCount(b, q.queue()))
                .description("Messages waiting in a flow's queue").tag("queue", q.queue()).register(meters)));
    }

    private static double messageCount(EmbeddedActiveMQ server, String queue) {
        if (server.getActiveMQServer() == null) {
            return Double.NaN;
        }
        Queue q = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return q == null ? Double.NaN : q.getMessageCount();
    }
}
