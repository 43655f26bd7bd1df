package io.crmhub.events;

import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.api.core.ActiveMQAddressExistsException;
import org.apache.activemq.artemis.api.core.ActiveMQQueueExistsException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jms.connection.DelegatingConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Creates each flow's durable queue on its multicast event address, on the embedded or an external broker, before
 * the flows and the relay start. Queues are created as configured (not auto-created), so Artemis never deletes them
 * when their consumers go away and events published while a flow is down wait for it.
 */
@Component
public class BrokerTopology implements InitializingBean {
    private static final Logger log = LoggerFactory.getLogger(BrokerTopology.class);

    private final ConnectionFactory connectionFactory;
    private final BrokerProperties properties;
    private volatile boolean ensured;

    private final ObjectProvider<EmbeddedActiveMQ> embeddedBroker;

    public BrokerTopology(ConnectionFactory connectionFactory, BrokerProperties properties,
                          ObjectProvider<EmbeddedActiveMQ> embeddedBroker) {
        this.connectionFactory = connectionFactory;
        this.properties = properties;
        this.embeddedBroker = embeddedBroker;
    }

    @Override
    public void afterPropertiesSet() {
        embeddedBroker.getIfAvailable(); // the embedded broker (if any) is started before its queues are created
        ensure();
    }

    public synchronized void ensure() {
        if (ensured) {
            return;
        }
        ActiveMQConnectionFactory artemis = unwrap(connectionFactory);
        try (ServerLocator locator = ActiveMQClient.createServerLocatorWithoutHA(artemis.getStaticConnectors());
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(artemis.getUser(), artemis.getPassword(), false, true, true, false, 1)) {
            for (BrokerProperties.Subscription s : properties.subscriptions()) {
                try {
                    session.createAddress(SimpleString.of(s.address()), RoutingType.MULTICAST, false);
                } catch (ActiveMQAddressExistsException exists) {
                    // already there
                }
                try {
                    session.createQueue(QueueConfiguration.of(s.queue()).setAddress(s.address())
                            .setRoutingType(RoutingType.MULTICAST).setDurable(true).setAutoCreated(false));
                    log.info("Created durable queue {}", s.fqqn());
                } catch (ActiveMQQueueExistsException exists) {
                    log.debug("Queue {} exists", s.fqqn());
                }
            }
            ensured = true;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the flow queues on the broker: " + e.getMessage(), e);
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
