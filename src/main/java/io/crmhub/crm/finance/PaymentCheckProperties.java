package io.crmhub.crm.finance;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Payments not reported back: a created payment with no notification after {@code notificationGrace} is looked up at
 * the provider every {@code checkInterval}; an unpaid one older than {@code expireAfter} is closed there and here.
 */
@Validated
@ConfigurationProperties("crmhub.payments")
public record PaymentCheckProperties(
        @DefaultValue("10m") @NotNull Duration notificationGrace,
        @DefaultValue("2h") @NotNull Duration expireAfter,
        @DefaultValue("60s") @NotNull Duration checkInterval) {
}
