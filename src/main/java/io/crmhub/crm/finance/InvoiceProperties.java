package io.crmhub.crm.finance;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * ERP invoices in the CRM: how often and how many at a time they are read from the ERP ({@code pollInterval}, the
 * first read {@code initialDelay} after start, {@code pageSize} per page), and the zone whose calendar day decides
 * whether an open invoice is past due, and when that is checked ({@code overdueCron}, in that zone).
 */
@Validated
@ConfigurationProperties("crmhub.invoices")
public record InvoiceProperties(
        @DefaultValue("30s") @NotNull Duration pollInterval,
        @DefaultValue("10s") @NotNull Duration initialDelay,
        @DefaultValue("500") @Min(1) @Max(5000) int pageSize,
        @DefaultValue("Asia/Shanghai") @NotNull ZoneId zone,
        @DefaultValue("0 15 6 * * *") @NotBlank String overdueCron) {
}
