package io.crmhub.routing;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * In-flow retry of transient connector faults, used by the shared error handling ({@code routes/_shared}) and by
 * {@link FailedAttempts}: up to {@code maximumRedeliveries} retries, exponential from {@code initialDelayMs} up to
 * {@code maximumDelayMs}, jittered; a provider's {@code Retry-After} is honoured up to {@code maximumRetryAfterMs}.
 * The values are in {@code application.yml} (the routes read them as placeholders); this record validates them at start.
 */
@Validated
@ConfigurationProperties("crmhub.retry")
public record RetryProperties(
        @Min(0) @Max(100) int maximumRedeliveries,
        @Min(1) long initialDelayMs,
        @Min(1) long maximumDelayMs,
        @Min(0) long maximumRetryAfterMs) {

    @AssertTrue(message = "maximum-delay-ms must not be below initial-delay-ms")
    public boolean isDelayRangeValid() {
        return maximumDelayMs >= initialDelayMs;
    }
}
