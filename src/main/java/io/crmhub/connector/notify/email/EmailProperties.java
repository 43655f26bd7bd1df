package io.crmhub.connector.notify.email;

import io.crmhub.routing.SecretValues;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.connectors.notify-email.*}: finance's reminders by e-mail, present when recipients are configured.
 *
 * @param to       the recipients (finance's addresses; comma-separated in one variable)
 * @param from     the sender address
 * @param host, port the SMTP server; {@code startTls} to require STARTTLS (port 587), else plain or implicit per server
 * @param username, password the SMTP login, if the server needs one (the password as the value or {@code file:/path})
 */
@Validated
@ConfigurationProperties("crmhub.connectors.notify-email")
public record EmailProperties(@NotEmpty List<@NotBlank String> to,
                              @NotBlank @DefaultValue("crm-hub@localhost") String from,
                              @NotBlank String host,
                              @DefaultValue("25") @Min(1) @Max(65535) int port,
                              @DefaultValue("false") boolean startTls,
                              String username,
                              String password,
                              @NotNull @DefaultValue("10s") Duration timeout) {

    public String passwordValue() {
        return password == null ? null : SecretValues.readLine("crmhub.connectors.notify-email.password", password);
    }

    @Override
    public String toString() {
        return "EmailProperties[to=" + to + ", from=" + from + ", host=" + host + ", port=" + port + ", password=****]";
    }
}
