package io.crmhub.crm.finance;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.statements.*}: when the daily three-way reconciliation runs (D49) — every provider with statements,
 * for the day before in its own zone, on the instance holding the {@code statement-reconciliation} lease. The default
 * 11:30 Beijing time is after WeChat Pay (10:00) and Alipay (09:00) publish the day's bills.
 */
@Validated
@ConfigurationProperties("crmhub.statements")
public record StatementProperties(@DefaultValue("0 30 11 * * *") @NotBlank String cron,
                                  @DefaultValue("Asia/Shanghai") @NotNull ZoneId zone) {
}
