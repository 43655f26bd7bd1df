package io.crmhub.ops.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Daily purge of audit entries and sync-journal outcomes older than the configured retention (at least 180 days).
 * Deleting is idempotent, so it is safe on every hub instance at once; the purge itself is audited.
 */
@Component
public class AuditRetention {
    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final AuditProperties properties;
    private final Clock clock;

    public AuditRetention(JdbcClient jdbc, AuditLog audit, AuditProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    public record Purged(Instant cutoff, int auditEntries, int syncOutcomes) {
    }

    @Scheduled(cron = "${crmhub.audit.purge-cron}")
    void scheduledPurge() {
        purge();
    }

    @Transactional
    public Purged purge() {
        Instant cutoff = clock.instant().minus(properties.retention());
        Timestamp ts = Timestamp.from(cutoff);
        int audits = jdbc.sql("DELETE FROM audit_log WHERE occurred_at < ?").param(ts).update();
        int outcomes = jdbc.sql("DELETE FROM sync_journal WHERE occurred_at < ?").param(ts).update();
        if (audits + outcomes > 0) {
            audit.record("retention.purge", "audit_log", null, "older than " + properties.retention().toDays() + " days",
                    Map.of("cutoff", cutoff.toString(), "auditEntries", audits, "syncOutcomes", outcomes));
            log.info("Purged {} audit entries and {} sync outcomes older than {}", audits, outcomes, cutoff);
        }
        return new Purged(cutoff, audits, outcomes);
    }
}
