package io.crmhub.ops.audit;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.audit.*}: how long operator actions and sync outcomes are kept. The promise to customers is at least
 * 180 days, so a shorter retention refuses to start rather than silently deleting history. {@code purgeCron} is when
 * old entries are purged (server zone), {@code verifyCron} when the audit hash chain is verified (UTC, one instance).
 */
@Validated
@ConfigurationProperties("crmhub.audit")
public record AuditProperties(
        @NotNull @DurationMin(days = 180, message = "must be at least 180 days (P180D): audit history is a customer promise")
        Duration retention,
        @NotNull String purgeCron,
        @NotNull String verifyCron) {
}
