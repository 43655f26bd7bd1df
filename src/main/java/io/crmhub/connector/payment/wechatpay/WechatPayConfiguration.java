package io.crmhub.connector.payment.wechatpay;

import com.fasterxml.jackson.databind.ObjectMapper;
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
    WechatPayNotificationVerifier wechatPayNotificationVerifier(WechatPayProperties properties, ObjectMapper json, Clock clock) {
        return new WechatPayNotificationVerifier(properties, json, clock);
    }
}
