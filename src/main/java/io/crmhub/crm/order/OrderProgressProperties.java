package io.crmhub.crm.order;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The ERP's progress on orders (status, delivery) read for the timeline: every {@code erpStatusInterval}, the first
 * read {@code erpStatusInitialDelay} after start, {@code erpStatusPageSize} changes per page.
 */
@Validated
@ConfigurationProperties("crmhub.orders")
public record OrderProgressProperties(
        @DefaultValue("60s") @NotNull Duration erpStatusInterval,
        @DefaultValue("10s") @NotNull Duration erpStatusInitialDelay,
        @DefaultValue("500") @Min(1) @Max(5000) int erpStatusPageSize) {
}
