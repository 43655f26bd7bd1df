package io.crmhub.ops.failures;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.redrive.*}: messages parked after exhausting their retries on a transient fault (provider down,
 * throttling) are sent back automatically once their connector's breaker is closed, up to {@code maxAttempts} times;
 * after that they wait for an engineer.
 */
@Validated
@ConfigurationProperties("crmhub.redrive")
public record RedriveProperties(boolean enabled, @NotNull Duration interval, @NotNull Duration quietFor,
                                @Min(0) @Max(100) int maxAttempts, @Min(1) @Max(1000) int batch) {
}
