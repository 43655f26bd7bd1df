package io.crmhub.ops.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Daily purge of audit entries and sync-journal outcomes older than the configured retention (at least 180 days).
 * Audit entries go only as a prefix of the chain, in id order: from the first entry up to the last one before the
 * first entry that is still to be kept (an entry written a little out of time order, by an instance with a skewed
 * clock, waits for the next purge). In the same transaction, with the chain head locked, the last deleted entry
 * becomes the purge anchor ({@code audit_chain.anchor_*}: its id and hash, its time, the cutoff, how many were
 * deleted), from which verification starts; the purge itself is then recorded as a new chained entry. Several
 * instances may run it at once: the head lock serializes them and the later ones find nothing to delete.
 */
@Component
public class AuditRetention {
    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final AuditProperties properties;
    private final Clock clock;
    private final TransactionTemplate tx;

    public AuditRetention(JdbcClient jdbc, AuditLog audit, AuditProperties properties, Clock clock,
                          PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
    }

    /** @param anchorId the last audit entry deleted (null when none was) */
    public record Purged(Instant cutoff, int auditEntries, int syncOutcomes, Long anchorId) {
    }

    @Scheduled(cron = "${crmhub.audit.purge-cron}")
    void scheduledPurge() {
        purge();
    }

    /** One transaction (joining the caller's, if any): a programmatic one, as the scheduled call is not through a proxy. */
    public Purged purge() {
        return tx.execute(status -> purgeInTransaction());
    }

    private Purged purgeInTransaction() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(properties.retention());
        OffsetDateTime at = OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC);
        audit.lockHead();
        Long firstKept = first(jdbc.sql("SELECT MIN(id) FROM audit_log WHERE occurred_at >= ?").param(at).query(Long.class).list());
        Long lastPurged = firstKept == null
                ? first(jdbc.sql("SELECT MAX(id) FROM audit_log").query(Long.class).list())
                : first(jdbc.sql("SELECT MAX(id) FROM audit_log WHERE id < ?").param(firstKept).query(Long.class).list());
        int audits = 0;
        if (lastPurged != null) {
            Map<String, Object> anchor = jdbc.sql("SELECT entry_hash, occurred_at FROM audit_log WHERE id = ?").param(lastPurged)
                    .query((rs, n) -> Map.<String, Object>of("hash", rs.getString(1), "at", rs.getObject(2, OffsetDateTime.class)))
                    .single();
            audits = jdbc.sql("DELETE FROM audit_log WHERE id <= ?").param(lastPurged).update();
            jdbc.sql("""
                    UPDATE audit_chain SET anchor_id = ?, anchor_hash = ?, anchor_occurred_at = ?, anchor_cutoff = ?, anchor_purged_at = ?,
                           anchor_count = ?, purged_total = purged_total + ?
                    WHERE id = 1""")
                    .params(lastPurged, anchor.get("hash"), anchor.get("at"), at, OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                            audits, audits)
                    .update();
        }
        int outcomes = jdbc.sql("DELETE FROM sync_journal WHERE occurred_at < ?").param(Timestamp.from(cutoff)).update();
        if (audits + outcomes > 0) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("cutoff", cutoff.toString());
            detail.put("auditEntries", audits);
            detail.put("syncOutcomes", outcomes);
            if (lastPurged != null) {
                detail.put("anchorId", lastPurged);
            }
            audit.record("retention.purge", "audit_log", null, "older than " + properties.retention().toDays() + " days", detail);
            log.info("Purged {} audit entries (up to entry {}) and {} sync outcomes older than {}", audits, lastPurged, outcomes, cutoff);
        }
        return new Purged(cutoff, audits, outcomes, lastPurged);
    }

    /** The value of a MIN/MAX query: null on an empty table. */
    private static Long first(java.util.List<Long> values) {
        return values.isEmpty() ? null : values.get(0);
    }
}
