package io.crmhub.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The hub's broker settings. The flows' queues are not configured here: they are the routes' {@code from:} URIs
 * ({@link FlowQueue}).
 *
 * @param tcpAcceptor      extra loopback TCP acceptor of the embedded broker (empty: none)
 * @param journalBufferTimeout embedded journal flush timeout; the Artemis default caps a synchronous producer
 * @param maxDeliveryAttempts broker redeliveries of a rolled-back message before it goes to {@code DLQ.<queue>}
 */
@Validated
@ConfigurationProperties("crmhub.broker")
public record BrokerProperties(
        @DefaultValue("") String tcpAcceptor,
        @DefaultValue("100us") Duration journalBufferTimeout,
        @DefaultValue("10") int maxDeliveryAttempts) {

}
