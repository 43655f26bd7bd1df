package io.crmhub.crm.finance;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.reminders.*}: when finance hears of overdue invoices and open reviews (D50), on every configured
 * channel (e-mail, WeCom robot).
 *
 * @param digestCron  the daily digest (at most one per channel and day)
 * @param alertAbove  an overdue invoice's open amount or a review's amount from which finance is told at once (in the
 *                    record's own currency)
 * @param alertInterval how often immediate alerts are looked for
 */
@Validated
@ConfigurationProperties("crmhub.reminders")
public record ReminderProperties(@DefaultValue("0 0 9 * * *") @NotBlank String digestCron,
                                 @DefaultValue("Asia/Shanghai") @NotNull ZoneId zone,
                                 @DefaultValue("10000") @NotNull @DecimalMin("0") BigDecimal alertAbove,
                                 @DefaultValue("60s") @NotNull Duration alertInterval) {
}
