package io.crmhub.connector.payment.stripe;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.ConnectorBreakerHealth;
import io.crmhub.routing.ConnectorGuards;
import io.crmhub.routing.http.ConnectorHttpClients;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Stripe connector, present when a secret key is configured. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "crmhub.connectors.payment-stripe", name = "secret-key")
@EnableConfigurationProperties(StripeProperties.class)
public class StripeConfiguration {

    @Bean
    StripeKeys stripeKeys(StripeProperties properties) {
        return new StripeKeys(properties);
    }

    @Bean
    StripeNotificationVerifier stripeNotificationVerifier(StripeProperties properties, StripeKeys keys, ObjectMapper json,
                                                          Clock clock) {
        return new StripeNotificationVerifier(properties, keys, json, clock);
    }

    @Bean("paymentStripeHealthIndicator")
    ConnectorBreakerHealth paymentStripeHealthIndicator(StripeProperties properties, ConnectorGuards guards) {
        return new ConnectorBreakerHealth(StripeGateway.CONNECTOR, guards, java.util.Map.of("baseUrl", properties.baseUrl().toString()));
    }

    @Bean
    StripeGateway stripeGateway(StripeProperties properties, StripeKeys keys, ConnectorHttpClients clients, Clock clock) {
        return new StripeGateway(properties, keys, clients, clock);
    }

    @Bean
    StripeStatements stripeStatements(StripeGateway gateway) {
        return new StripeStatements(gateway);
    }
}
