package io.crmhub.connector.notify.wecom;

import io.crmhub.routing.BreakerProperties;
import io.crmhub.routing.RateLimit;
import io.crmhub.routing.SecretValues;
import io.crmhub.routing.http.ConnectorHttpSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.connectors.notify-wecom.*}: finance's reminders in a WeCom (企业微信) group through its robot.
 *
 * @param webhookUrl the robot's webhook, {@code https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…}: its key is the
 *                   secret, so the URL comes from the environment, as the value or {@code file:/path}
 * @param mentionAll whether a notice @-mentions everyone in the group ({@code @all})
 */
@Validated
@ConfigurationProperties("crmhub.connectors.notify-wecom")
public record WecomRobotProperties(@NotBlank String webhookUrl,
                                   @DefaultValue("false") boolean mentionAll,
                                   @NotNull @DefaultValue("5s") Duration connectTimeout,
                                   @NotNull @DefaultValue("10s") Duration readTimeout,
                                   @Valid BreakerProperties.ConnectorOverride breaker,
                                   @Valid RateLimit rateLimit) implements ConnectorHttpSettings {

    public java.net.URI webhook() {
        return java.net.URI.create(SecretValues.readLine("crmhub.connectors.notify-wecom.webhook-url", webhookUrl));
    }

    @Override
    public String toString() {
        return "WecomRobotProperties[webhookUrl=****]";
    }
}
