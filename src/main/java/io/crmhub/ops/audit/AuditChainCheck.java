package io.crmhub.ops.audit;

import io.crmhub.events.ClusterLease;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.CronTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.stereotype.Component;

/**
 * The audit chain's verification, daily ({@code crmhub.audit.verify-cron}, UTC, one instance by lease) and on demand
 * ({@code GET /api/ops/audit/verify}). Each outcome is stored in {@code audit_chain}, so every instance's gauges
 * ({@code crmhub_audit_chain_valid}, {@code crmhub_audit_chain_verified_timestamp_seconds}) report the last
 * verification, whichever instance ran it. A valid chain is logged at INFO with its head id and hash: that line, kept
 * outside the database, is what shows a chain rewritten consistently from some entry on (docs/operations.md §5). A
 * broken chain is logged at ERROR and recorded in the audit log ({@value #BROKEN}); a valid one is not recorded, so the
 * log does not grow by an entry a day for nothing.
 */
@Component
class AuditChainCheck implements SchedulingConfigurer {
    static final String LEASE = "audit-chain-verify";
    static final String BROKEN = "audit.verify.broken";
    private static final Logger log = LoggerFactory.getLogger(AuditChainCheck.class);

    private final AuditChainVerifier verifier;
    private final AuditLog audit;
    private final ClusterLease lease;
    private final JdbcClient jdbc;
    private final String cron;

    AuditChainCheck(AuditChainVerifier verifier, AuditLog audit, ClusterLease lease, JdbcClient jdbc, AuditProperties properties,
                    MeterRegistry meters) {
        this.verifier = verifier;
        this.audit = audit;
        this.lease = lease;
        this.jdbc = jdbc;
        this.cron = properties.verifyCron();
        Gauge.builder("crmhub.audit.chain.valid", this, AuditChainCheck::lastValid)
                .description("1 when the last verification of the audit hash chain found it intact, 0 when broken (NaN: never verified)")
                .register(meters);
        Gauge.builder("crmhub.audit.chain.verified.timestamp.seconds", this, AuditChainCheck::lastVerifiedAt)
                .description("When the audit hash chain was last verified (Unix time; NaN: never)").register(meters);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addCronTask(new CronTask(this::daily, new CronTrigger(cron, ZoneOffset.UTC)));
    }

    void daily() {
        // held for an hour and not released: an instance whose clock is a little late does not verify again
        if (lease.acquireOrRenew(LEASE, Duration.ofHours(1))) {
            verify();
        }
    }

    /** Verifies the chain, stores the outcome for the gauges, logs it and records a broken chain in the audit log. */
    ChainVerification verify() {
        ChainVerification result = verifier.verify();
        jdbc.sql("UPDATE audit_chain SET verified_at = ?, verified_valid = ?, verified_broken_id = ? WHERE id = 1")
                .params(OffsetDateTime.ofInstant(result.checkedAt(), ZoneOffset.UTC), result.valid(),
                        result.brokenAt() == null ? null : result.brokenAt().id())
                .update();
        if (result.valid()) {
            log.info("Audit chain valid: {} entries ({} to {}); head {} {}; anchor {}", result.entries(), result.firstId(),
                    result.lastId(), result.head().id(), result.head().hash(), anchor(result));
            return result;
        }
        ChainVerification.Broken broken = result.brokenAt();
        log.error("Audit chain BROKEN at entry {}: {} ({}); {} entries intact before it; head {}; anchor {}. See docs/operations.md §5",
                broken.id(), broken.reason(), broken.detail(), result.entries(),
                result.head() == null ? "missing" : result.head().id() + " " + result.head().hash(), anchor(result));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("detail", broken.detail());
        detail.put("entriesIntact", result.entries());
        if (result.head() != null) {
            detail.put("headId", result.head().id());
            detail.put("headHash", result.head().hash());
        }
        try {
            audit.record(BROKEN, "audit_log", String.valueOf(broken.id()), broken.reason(), detail);
        } catch (RuntimeException e) {
            log.error("Could not record the broken audit chain in the audit log: {}", e.getMessage());
        }
        return result;
    }

    private static String anchor(ChainVerification result) {
        ChainVerification.Anchor a = result.anchor();
        return a == null ? "none" : a.id() + " " + a.hash();
    }

    private double lastValid() {
        java.util.List<Boolean> valid = jdbc.sql("SELECT verified_valid FROM audit_chain WHERE id = 1").query(Boolean.class).list();
        return valid.isEmpty() || valid.get(0) == null ? Double.NaN : valid.get(0) ? 1 : 0;
    }

    private double lastVerifiedAt() {
        java.util.List<OffsetDateTime> at = jdbc.sql("SELECT verified_at FROM audit_chain WHERE id = 1").query(OffsetDateTime.class).list();
        return at.isEmpty() || at.get(0) == null ? Double.NaN : at.get(0).toInstant().toEpochMilli() / 1000.0;
    }
}
