package io.crmhub.events;

import jakarta.jms.ConnectionFactory;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.activemq.artemis.api.core.ActiveMQAddressExistsException;
import org.apache.activemq.artemis.api.core.ActiveMQQueueExistsException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.jms.connection.DelegatingConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Creates each flow's durable queue on its multicast event address, on the embedded or an external broker, once the
 * flows are loaded and before any of them starts consuming (and so before the relay publishes). The queues are the
 * routes' own {@code from:} URIs ({@link FlowQueue}), named nowhere else. They are created, not auto-created, so
 * Artemis never deletes them when their consumers go away and events published while a flow is down wait for it.
 */
@Component
public class BrokerTopology implements CamelContextConfiguration, Ordered {
    /** After the flows are loaded ({@code routing.FlowLoader}, order 0), before Camel starts them. */
    static final int ORDER = 100;
    private static final Logger log = LoggerFactory.getLogger(BrokerTopology.class);

    private final ConnectionFactory connectionFactory;
    private final ObjectProvider<EmbeddedActiveMQ> embeddedBroker;
    private volatile List<FlowQueue> queues;
    private volatile boolean ensured;
    private final List<java.util.function.Consumer<List<FlowQueue>>> whenKnown = new java.util.ArrayList<>();

    public BrokerTopology(ConnectionFactory connectionFactory, ObjectProvider<EmbeddedActiveMQ> embeddedBroker) {
        this.connectionFactory = connectionFactory;
        this.embeddedBroker = embeddedBroker;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // the flows are loaded by another start-up hook, in no order Camel promises: read them once the context starts,
        // which is after every hook and before any route (and its consumer) starts
        try {
            camelContext.addStartupListener((context, alreadyStarted) -> {
                if (!alreadyStarted) {
                    flowsLoaded(context);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot watch the Camel context's start: " + e.getMessage(), e);
        }
    }

    private void flowsLoaded(CamelContext camelContext) {
        List<FlowQueue> loaded = FlowQueue.of(camelContext);
        log.info("Flow queues from the routes: {}", loaded.stream().map(FlowQueue::fqqn).toList());
        embeddedBroker.getIfAvailable(); // the embedded broker (if any) is started before its queues are created
        List<java.util.function.Consumer<List<FlowQueue>>> waiting;
        synchronized (this) {
            queues = loaded;
            waiting = List.copyOf(whenKnown);
            whenKnown.clear();
        }
        ensure();
        waiting.forEach(w -> w.accept(loaded));
    }

    /** Calls {@code action} with the flows' queues once the routes are loaded (at once if they are). */
    public void whenQueuesKnown(java.util.function.Consumer<List<FlowQueue>> action) {
        List<FlowQueue> known;
        synchronized (this) {
            known = queues;
            if (known == null) {
                whenKnown.add(action);
                return;
            }
        }
        action.accept(known);
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
    }

    /** Every flow's queue, as the loaded routes consume them (empty until the flows are loaded). */
    public List<FlowQueue> queues() {
        List<FlowQueue> known = queues;
        return known == null ? List.of() : known;
    }

    /** The queue of a flow by its route id. */
    public Optional<FlowQueue> queueOf(String flow) {
        return queues().stream().filter(q -> q.flow().equals(flow)).findFirst();
    }

    public synchronized void ensure() {
        if (ensured || queues == null) {
            return;
        }
        withSession(session -> {
            for (FlowQueue q : queues()) {
                createAddress(session, q.address());
                try {
                    session.createQueue(QueueConfiguration.of(q.queue()).setAddress(q.address())
                            .setRoutingType(RoutingType.MULTICAST).setDurable(true).setAutoCreated(false));
                    log.info("Created durable queue {}", q.fqqn());
                } catch (ActiveMQQueueExistsException exists) {
                    log.debug("Queue {} exists", q.fqqn());
                }
            }
        });
        ensured = true;
    }

    private void createAddress(ClientSession session, String address) throws Exception {
        try {
            session.createAddress(SimpleString.of(address), RoutingType.MULTICAST, false);
        } catch (ActiveMQAddressExistsException exists) {
            // already there
        }
    }

    private interface SessionWork {
        void run(ClientSession session) throws Exception;
    }

    private void withSession(SessionWork work) {
        ActiveMQConnectionFactory artemis = unwrap(connectionFactory);
        try (ServerLocator locator = ActiveMQClient.createServerLocatorWithoutHA(artemis.getStaticConnectors());
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(artemis.getUser(), artemis.getPassword(), false, true, true, false, 1)) {
            work.run(session);
        } catch (Exception e) {
            throw new IllegalStateException("cannot declare the flow queues and event addresses on the broker: " + e.getMessage(), e);
        }
    }

    static ActiveMQConnectionFactory unwrap(ConnectionFactory cf) {
        ConnectionFactory current = cf;
        for (int i = 0; i < 5; i++) {
            if (current instanceof ActiveMQConnectionFactory artemis) {
                return artemis;
            }
            if (current instanceof JmsPoolConnectionFactory pool) {
                current = (ConnectionFactory) pool.getConnectionFactory();
            } else if (current instanceof DelegatingConnectionFactory delegating) {
                current = delegating.getTargetConnectionFactory();
            } else if (current instanceof org.springframework.jms.connection.SingleConnectionFactory single) {
                current = single.getTargetConnectionFactory();
            } else {
                break;
            }
        }
        throw new IllegalStateException("expected an Artemis connection factory, got " + cf.getClass().getName());
    }
}
