package io.crmhub.connector.notify.wecom;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.http.ConnectorHttpClients;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Finance's reminders in a WeCom group, present when the robot's webhook is configured. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "crmhub.connectors.notify-wecom", name = "webhook-url")
@EnableConfigurationProperties(WecomRobotProperties.class)
public class WecomRobotConfiguration {

    @Bean
    WecomRobotChannel wecomRobotChannel(WecomRobotProperties properties, ObjectMapper json, ConnectorHttpClients clients) {
        return new WecomRobotChannel(properties, json, clients);
    }
}
