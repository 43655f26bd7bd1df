package io.crmhub.routing;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * A connector's provider rate limit, bound from its own properties ({@code crmhub.connectors.<connector>.rate-limit.*},
 * e.g. {@code CRMHUB_CONNECTORS_ERP_SAP_RATE_LIMIT_PER_SECOND=20}); the defaults are here. A connector without one
 * is not limited. Counted in the database by {@link ConnectorRateLimiter}, so it holds across every hub instance.
 *
 * @param perSecond requests per second (0: no per-second limit)
 * @param perDay    requests per day in {@code quotaZone} (0: no quota)
 * @param maxWait   longest a request waits for a per-second slot before it counts as a transient fault
 */
public record RateLimit(@Min(0) int perSecond, @Min(0) int perDay, @NotNull @DefaultValue("UTC") ZoneId quotaZone,
                        @NotNull @DefaultValue("10s") Duration maxWait) {
}
