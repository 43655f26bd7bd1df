package io.crmhub.events;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The inbox's group commit: at most {@code maxBatch} notifications per transaction; a webhook waits at most
 * {@code maxWait} for its batch to be stored before it answers 503 (the provider re-sends).
 */
@Validated
@ConfigurationProperties("crmhub.inbox")
public record InboxProperties(
        @DefaultValue("200") @Min(1) @Max(5000) int maxBatch,
        @DefaultValue("10s") @NotNull Duration maxWait) {
}
