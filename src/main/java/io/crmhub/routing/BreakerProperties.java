package io.crmhub.routing;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.breaker.*}: circuit breaker settings for every connector ({@code defaults}) and per connector
 * ({@code connectors.<connector>}, e.g. {@code CRMHUB_BREAKER_CONNECTORS_ERP_SAP_OPEN_FOR=60s}); a connector's entry
 * overrides only the settings it names, the rest come from the defaults.
 *
 * @param connectors the complete settings of each connector with an override
 */
@Validated
@ConfigurationProperties("crmhub.breaker")
public record BreakerProperties(@NotNull @Valid Settings defaults, Map<String, @Valid Settings> connectors) {

    /** Bound one field per connector ({@link ConnectorSettings}), so that environment variables bind. */
    @ConstructorBinding
    public BreakerProperties(Settings defaults, @DefaultValue ConnectorSettings<ConnectorOverride> connectors) {
        this(defaults, merged(defaults, connectors.byConnector()));
    }

    public BreakerProperties {
        connectors = connectors == null ? Map.of() : Map.copyOf(connectors);
    }

    /**
     * @param failureRatePercent transient failures (timeouts, resets, 5xx, 429) among the last {@code window} calls
     *                           that open the breaker
     * @param minimumCalls       calls needed before the failure rate counts
     * @param openFor            how long an open breaker refuses calls before letting {@code halfOpenCalls} probes through
     */
    public record Settings(@Min(1) @Max(100) int failureRatePercent, @Min(1) int window, @Min(1) int minimumCalls,
                           @NotNull Duration openFor, @Min(1) int halfOpenCalls) {
    }

    /** A connector's deviations from the defaults; what it leaves out (null) is the default's. */
    public record ConnectorOverride(Integer failureRatePercent, Integer window, Integer minimumCalls, Duration openFor,
                                    Integer halfOpenCalls) {

        Settings over(Settings defaults) {
            return new Settings(or(failureRatePercent, defaults.failureRatePercent()), or(window, defaults.window()),
                    or(minimumCalls, defaults.minimumCalls()), or(openFor, defaults.openFor()),
                    or(halfOpenCalls, defaults.halfOpenCalls()));
        }

        private static <T> T or(T value, T fallback) {
            return value == null ? fallback : value;
        }
    }

    public Settings forConnector(String connector) {
        return connectors.getOrDefault(connector, defaults);
    }

    private static Map<String, Settings> merged(Settings defaults, Map<String, ConnectorOverride> overrides) {
        Map<String, Settings> settings = new LinkedHashMap<>();
        if (defaults != null) {
            overrides.forEach((connector, override) -> settings.put(connector, override.over(defaults)));
        }
        return settings;
    }
}
