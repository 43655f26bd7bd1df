package io.crmhub.events;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisMode;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The connection the flows ({@code jms:} consumers) use: like the hub's, but with no client-side prefetch
 * ({@code consumerWindowSize=0}). A consumer busy retrying one message (a poison message, a provider answering
 * slowly) then holds nothing else: messages of other aggregates go to free consumers instead of waiting in the busy
 * one's buffer, and message groups are pinned to consumers that are actually taking work. In-VM the extra round
 * trip per message costs microseconds.
 */
@Configuration(proxyBeanMethods = false)
public class FlowConsumerConnection {

    @Bean
    ComponentCustomizer flowJmsConnection(ArtemisProperties artemis) {
        return ComponentCustomizer.builder(JmsComponent.class).build(component -> {
            ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(brokerUrl(artemis));
            if (artemis.getUser() != null) {
                factory.setUser(artemis.getUser());
                factory.setPassword(artemis.getPassword());
            }
            factory.setConsumerWindowSize(0);
            component.setConnectionFactory(factory);
        });
    }

    static String brokerUrl(ArtemisProperties artemis) {
        boolean embedded = artemis.getMode() == null || artemis.getMode() == ArtemisMode.EMBEDDED;
        if (embedded) {
            return "vm://" + artemis.getEmbedded().getServerId();
        }
        return artemis.getBrokerUrl() == null ? "tcp://localhost:61616" : artemis.getBrokerUrl();
    }
}
