package io.crmhub.routing;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.breaker.defaults.*}: the circuit breaker settings every connector starts from. A connector changes
 * only what it names in its own properties ({@code crmhub.connectors.<connector>.breaker.*}, e.g.
 * {@code CRMHUB_CONNECTORS_ERP_SAP_BREAKER_OPEN_FOR=60s}, a {@link ConnectorOverride}).
 */
@Validated
@ConfigurationProperties("crmhub.breaker")
public record BreakerProperties(@NotNull @Valid Settings defaults) {

    /**
     * @param failureRatePercent transient failures (timeouts, resets, 5xx, 429) among the last {@code window} requests
     *                           that open the breaker
     * @param minimumCalls       requests needed before the failure rate counts
     * @param openFor            how long an open breaker refuses requests before letting {@code halfOpenCalls} probes through
     */
    public record Settings(@Min(1) @Max(100) int failureRatePercent, @Min(1) int window, @Min(1) int minimumCalls,
                           @NotNull Duration openFor, @Min(1) int halfOpenCalls) {
    }

    /** A connector's deviations from the defaults; what it leaves out (null) is the default's. */
    public record ConnectorOverride(@Min(1) @Max(100) Integer failureRatePercent, @Min(1) Integer window,
                                    @Min(1) Integer minimumCalls, Duration openFor, @Min(1) Integer halfOpenCalls) {

        public Settings over(Settings defaults) {
            return new Settings(or(failureRatePercent, defaults.failureRatePercent()), or(window, defaults.window()),
                    or(minimumCalls, defaults.minimumCalls()), or(openFor, defaults.openFor()),
                    or(halfOpenCalls, defaults.halfOpenCalls()));
        }

        private static <T> T or(T value, T fallback) {
            return value == null ? fallback : value;
        }
    }

    /** The settings of a connector with {@code override} (null: none). */
    public Settings with(ConnectorOverride override) {
        return override == null ? defaults : override.over(defaults);
    }
}
