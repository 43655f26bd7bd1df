package io.crmhub.connector.notify.email;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Finance's e-mail reminders, present when recipients are configured. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "crmhub.connectors.notify-email", name = "host")
@EnableConfigurationProperties(EmailProperties.class)
public class EmailConfiguration {

    @Bean
    EmailChannel emailChannel(EmailProperties properties) {
        return new EmailChannel(properties);
    }
}
