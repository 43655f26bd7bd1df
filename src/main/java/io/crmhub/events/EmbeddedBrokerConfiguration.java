package io.crmhub.events;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tunes the embedded Artemis: a short journal buffer timeout (the default caps a synchronous persistent producer at a
 * few hundred messages per second), an optional loopback TCP acceptor for tools and other instances, and dead-letter
 * routing of {@code crm.#} queues to {@code DLQ.<queue>} after the configured delivery attempts. {@code crm.#}
 * addresses and queues are never auto-created, as on a production broker: {@link BrokerTopology} declares them.
 */
@Configuration(proxyBeanMethods = false)
public class EmbeddedBrokerConfiguration {

    @Bean
    ArtemisConfigurationCustomizer crmHubBrokerCustomizer(BrokerProperties properties) {
        return config -> {
            int timeoutNanos = (int) Math.max(1, properties.journalBufferTimeout().toNanos());
            config.setJournalBufferTimeout_NIO(timeoutNanos);
            config.setJournalBufferTimeout_AIO(timeoutNanos);
            config.setJMXManagementEnabled(false);
            if (!properties.tcpAcceptor().isBlank()) {
                try {
                    config.addAcceptorConfiguration("tcp", properties.tcpAcceptor());
                } catch (Exception e) {
                    throw new IllegalStateException("crmhub.broker.tcp-acceptor is not a valid acceptor URL: " + properties.tcpAcceptor(), e);
                }
            }
            config.addAddressSetting("crm.#", new AddressSettings()
                    .setAutoCreateAddresses(false)
                    .setAutoCreateQueues(false)
                    .setDeadLetterAddress(SimpleString.of("DLA"))
                    .setAutoCreateDeadLetterResources(true)
                    .setDeadLetterQueuePrefix(SimpleString.of("DLQ."))
                    .setMaxDeliveryAttempts(properties.maxDeliveryAttempts())
                    .setRedeliveryDelay(1000)
                    .setRedeliveryMultiplier(2)
                    .setMaxRedeliveryDelay(60_000));
        };
    }
}
