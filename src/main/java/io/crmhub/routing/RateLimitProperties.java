package io.crmhub.routing;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.rate-limits.connectors.<connector>.*} (e.g. {@code CRMHUB_RATE_LIMITS_CONNECTORS_ERP_SAP_PER_SECOND}):
 * requests per second and, where the provider has one, a daily quota, counted in the database so they hold across
 * every hub instance. A connector without an entry is not limited.
 *
 * @param connectors the limits by connector name
 */
@Validated
@ConfigurationProperties("crmhub.rate-limits")
public record RateLimitProperties(Map<String, @Valid Limit> connectors) {

    /** Bound one field per connector ({@link ConnectorSettings}), so that environment variables bind. */
    @ConstructorBinding
    public RateLimitProperties(@DefaultValue ConnectorSettings<Limit> connectors) {
        this(connectors.byConnector());
    }

    public RateLimitProperties {
        connectors = Map.copyOf(connectors);
    }

    /**
     * @param perSecond requests per second (0: no per-second limit)
     * @param perDay    requests per day in {@code quotaZone} (0: no quota)
     * @param maxWait   longest a call waits for a per-second slot before it counts as a transient fault
     */
    public record Limit(@Min(0) int perSecond, @Min(0) int perDay, @NotNull @DefaultValue("UTC") ZoneId quotaZone,
                        @NotNull @DefaultValue("10s") Duration maxWait) {
    }
}
