package io.crmhub.events;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The outbox relay: how many events one broker transaction carries, how often it looks for work when nobody nudged
 * it, how long its cluster lease lasts, how long published rows are kept, and how long it may hold events back while
 * webhooks take a burst ({@code yieldToIngest}, 0 = never): acknowledging providers first keeps them from timing out
 * and re-sending; the relay goes on when the burst ends or after that long, whichever comes first. Health reports the
 * outbox DEGRADED while its oldest unpublished event is older than {@code degradedAfter}.
 */
@Validated
@ConfigurationProperties("crmhub.outbox")
public record OutboxProperties(
        @DefaultValue("true") boolean relayEnabled,
        @DefaultValue("200") @Min(1) @Max(5000) int batchSize,
        @DefaultValue("250ms") @NotNull Duration pollInterval,
        @DefaultValue("15s") @NotNull Duration leaseDuration,
        @DefaultValue("7d") @NotNull Duration retainPublished,
        @DefaultValue("10s") @NotNull Duration yieldToIngest,
        @DefaultValue("60s") @NotNull Duration degradedAfter) {
}
