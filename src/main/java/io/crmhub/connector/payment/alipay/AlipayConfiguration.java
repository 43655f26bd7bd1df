package io.crmhub.connector.payment.alipay;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.ConnectorBreakerHealth;
import io.crmhub.routing.ConnectorGuards;
import io.crmhub.routing.http.ConnectorHttpClients;
import java.time.Clock;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Alipay connector, present when an app is configured. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "crmhub.connectors.payment-alipay", name = "app-id")
@EnableConfigurationProperties(AlipayProperties.class)
public class AlipayConfiguration {

    @Bean
    AlipayKeys alipayKeys(AlipayProperties properties) {
        return AlipayKeys.of(properties);
    }

    @Bean
    AlipayNotificationVerifier alipayNotificationVerifier(AlipayProperties properties, AlipayKeys keys, Clock clock) {
        return new AlipayNotificationVerifier(properties, keys, clock);
    }

    @Bean
    AlipayGateway alipayGateway(AlipayProperties properties, AlipayKeys keys, ObjectMapper json, ConnectorHttpClients clients,
                                Clock clock) {
        return new AlipayGateway(properties, keys, json, clients, clock);
    }

    @Bean
    AlipayStatements alipayStatements(AlipayGateway gateway, AlipayProperties properties, Clock clock) {
        return new AlipayStatements(gateway, properties, clock);
    }

    @Bean("paymentAlipayHealthIndicator")
    ConnectorBreakerHealth paymentAlipayHealthIndicator(AlipayProperties properties, ConnectorGuards guards) {
        return new ConnectorBreakerHealth(AlipayGateway.CONNECTOR, guards,
                Map.of("gatewayUrl", properties.gatewayUrl().toString(), "appId", properties.appId()));
    }
}
