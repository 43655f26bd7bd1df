package io.crmhub.events;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Broker layout owned by the hub.
 *
 * @param subscriptions    every flow's durable queue on a CRM event address ({@code address::queue}); created before
 *                         any event is published so nothing is routed to an address without its queues
 * @param tcpAcceptor      extra loopback TCP acceptor of the embedded broker (empty: none)
 * @param journalBufferTimeout embedded journal flush timeout; the Artemis default caps a synchronous producer
 * @param maxDeliveryAttempts broker redeliveries of a rolled-back message before it goes to {@code DLQ.<queue>}
 */
@Validated
@ConfigurationProperties("crmhub.broker")
public record BrokerProperties(
        @Valid @DefaultValue List<Subscription> subscriptions,
        @DefaultValue("") String tcpAcceptor,
        @DefaultValue("100us") Duration journalBufferTimeout,
        @DefaultValue("10") int maxDeliveryAttempts) {

    public record Subscription(
            @NotBlank @Pattern(regexp = "crm\\.[a-z]+\\.[a-z]+", message = "must be crm.<aggregate>.<event>") String address,
            @NotBlank @Pattern(regexp = "[a-z0-9-]+\\.[a-z0-9-]+", message = "must be the flow's route id <group>.<flow>") String queue) {

        /** The fully qualified queue name a flow consumes: {@code jms:queue:<address>::<queue>}. */
        public String fqqn() {
            return address + "::" + queue;
        }
    }
}
