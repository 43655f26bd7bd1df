package io.crmhub.connector.payment.wechatpay;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.ConnectorBreakerHealth;
import io.crmhub.routing.ConnectorGuards;
import io.crmhub.routing.http.ConnectorHttpClients;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The WeChat Pay connector, present when a merchant is configured. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "crmhub.connectors.payment-wechatpay", name = "merchant-id")
@EnableConfigurationProperties(WechatPayProperties.class)
public class WechatPayConfiguration {

    @Bean
    WechatPayKeys wechatPayKeys(WechatPayProperties properties) {
        return new WechatPayKeys(properties);
    }

    @Bean
    WechatPayNotificationVerifier wechatPayNotificationVerifier(WechatPayProperties properties, WechatPayKeys keys,
                                                                ObjectMapper json, Clock clock) {
        return new WechatPayNotificationVerifier(properties, keys, json, clock);
    }

    @Bean("paymentWechatpayHealthIndicator")
    ConnectorBreakerHealth paymentWechatpayHealthIndicator(WechatPayProperties properties, ConnectorGuards guards) {
        return new ConnectorBreakerHealth(WechatPayGateway.CONNECTOR, guards,
                java.util.Map.of("baseUrl", properties.baseUrl().toString(), "merchantId", properties.merchantId()));
    }

    @Bean
    WechatPayGateway wechatPayGateway(WechatPayProperties properties, WechatPayKeys keys, ObjectMapper json,
                                      ConnectorHttpClients clients, Clock clock) {
        return new WechatPayGateway(properties, keys, json, clients, clock);
    }

    @Bean
    WechatPayStatements wechatPayStatements(WechatPayGateway gateway, WechatPayProperties properties) {
        return new WechatPayStatements(gateway, properties);
    }
}
