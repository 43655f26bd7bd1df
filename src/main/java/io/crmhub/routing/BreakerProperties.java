package io.crmhub.routing;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.breaker.*}: circuit breaker settings for every connector ({@code defaults}) and per connector
 * ({@code connectors.<connector>}, e.g. {@code connectors.erp-sap.open-for: 60s}).
 */
@Validated
@ConfigurationProperties("crmhub.breaker")
public record BreakerProperties(@NotNull @Valid Settings defaults, Map<String, @Valid Settings> connectors) {

    /**
     * @param failureRatePercent transient failures (timeouts, resets, 5xx, 429) among the last {@code window} calls
     *                           that open the breaker
     * @param minimumCalls       calls needed before the failure rate counts
     * @param openFor            how long an open breaker refuses calls before letting {@code halfOpenCalls} probes through
     */
    public record Settings(@Min(1) @Max(100) int failureRatePercent, @Min(1) int window, @Min(1) int minimumCalls,
                           @NotNull Duration openFor, @Min(1) int halfOpenCalls) {
    }

    public Settings forConnector(String connector) {
        return connectors == null ? defaults : connectors.getOrDefault(connector, defaults);
    }
}
