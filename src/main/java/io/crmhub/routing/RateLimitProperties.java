package io.crmhub.routing;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.rate-limits.<connector>.*}: requests per second and, where the provider has one, a daily quota,
 * counted in the database so they hold across every hub instance. A connector without an entry is not limited.
 */
@Validated
@ConfigurationProperties("crmhub.rate-limits")
public record RateLimitProperties(@DefaultValue Map<String, @Valid Limit> connectors) {

    /**
     * @param perSecond requests per second (0: no per-second limit)
     * @param perDay    requests per day in {@code quotaZone} (0: no quota)
     * @param maxWait   longest a call waits for a per-second slot before it counts as a transient fault
     */
    public record Limit(@Min(0) int perSecond, @Min(0) int perDay, @NotNull @DefaultValue("UTC") ZoneId quotaZone,
                        @NotNull @DefaultValue("10s") Duration maxWait) {
    }
}
