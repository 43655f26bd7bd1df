package io.crmhub.ops.audit;

import static io.crmhub.ops.audit.AuditChainStoreIT.assertBroken;
import static io.crmhub.ops.audit.AuditChainStoreIT.insert;
import static io.crmhub.ops.audit.AuditChainStoreIT.rehash;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.ops.audit.AuditChainVerifier.Break;
import io.crmhub.support.HubIntegrationTest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit chain in the running hub: entries written by operator actions (owner reassignments, a discard) and through
 * {@link AuditLog}, verified by {@code GET /api/ops/audit/verify}, then tampered with by plain SQL — an edited reason,
 * a deleted middle row, a forged row in place of a real one and one after the head, the last rows deleted, a changed
 * prev_hash, a row edited and re-hashed by someone who knows the encoding — each found at its id with its reason, and
 * the chain valid again once restored. The tampering (but one) happens with the head row locked by the test's
 * transaction, so nothing else the hub does can append meanwhile; the verifier reads in that transaction.
 */
class AuditChainIT extends HubIntegrationTest {
    @Autowired
    AuditLog audit;
    @Autowired
    AuditChainVerifier verifier;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;
    @Autowired
    AuditChainCheck check;
    @Autowired
    org.flywaydb.core.Flyway flyway;

    @Test
    void operatorActionsAreChainedAndEveryKindOfTamperingIsFoundAtItsEntry() {
        assertThat(java.util.Arrays.stream(flyway.info().applied()).filter(m -> m.getVersion() != null).map(m -> m.getVersion().getVersion()))
                .as("the chaining Java migration is one Flyway runs").contains("14", "14.1");
        long customer = createCustomer("Chain Co " + System.nanoTime(), uniquePhone(), "CN");
        assertThat(call("engineer", HttpMethod.PUT, "/api/customers/" + customer + "/owner",
                "{\"owner\":\"sales2\",\"reason\":\"territory change, call +8613912345678\"}").getStatusCode().value()).isEqualTo(200);
        assertThat(call("engineer", HttpMethod.PUT, "/api/customers/" + customer + "/owner",
                "{\"owner\":\"sales\",\"reason\":\"back to sales\"}").getStatusCode().value()).isEqualTo(200);
        long parked = parkedMessage();
        assertThat(call("engineer", HttpMethod.POST, "/api/ops/failures/" + parked + "/discard",
                "{\"reason\":\"not needed in SAP\"}").getStatusCode().value()).isEqualTo(200);
        audit.record("test.note", "audit_log", null, null, Map.of("empty", ""));
        audit.record("test.note", "audit_log", "", "", null);
        // an audited action that rolls back leaves no entry
        new TransactionTemplate(transactions).executeWithoutResult(s -> {
            audit.record("test.rolled-back", "audit_log", null, "never happened", null);
            s.setRollbackOnly();
        });
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'test.rolled-back'").query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT reason FROM audit_log WHERE action = 'owner.reassign' AND target_id = ? ORDER BY id")
                .param(String.valueOf(customer)).query(String.class).list().get(0)).as("still masked").doesNotContain("13912345678");

        ResponseEntity<String> answer = call("engineer", HttpMethod.GET, "/api/ops/audit/verify", null);
        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        JsonNode valid = json(answer);
        long head = jdbc.sql("SELECT MAX(id) FROM audit_log").query(Long.class).single();
        assertThat(valid.path("valid").asBoolean()).as(answer.getBody()).isTrue();
        assertThat(valid.path("headMatches").asBoolean()).isTrue();
        assertThat(valid.path("lastId").asLong()).isGreaterThanOrEqualTo(head);
        assertThat(valid.path("entries").asLong()).isGreaterThanOrEqualTo(7);
        assertThat(valid.path("head").path("hash").asText()).hasSize(64);
        assertThat(valid.has("brokenAt")).isFalse();
        assertThat(valid.path("checkedAt").asText()).isNotEmpty();
        for (String user : List.of("sales", "finance")) {
            assertThat(call(user, HttpMethod.GET, "/api/ops/audit/verify", null).getStatusCode().value()).as(user).isEqualTo(403);
        }
        assertThat(call(null, HttpMethod.GET, "/api/ops/audit/verify", null).getStatusCode().value()).isEqualTo(401);

        long reassigned = jdbc.sql("SELECT MIN(id) FROM audit_log WHERE action = 'owner.reassign' AND target_id = ?")
                .param(String.valueOf(customer)).query(Long.class).single();
        long middle = reassigned + 1;

        // (a) one row's reason edited
        tampered(sql -> sql.sql("UPDATE audit_log SET reason = 'nothing to see' WHERE id = ?").param(reassigned).update(),
                reassigned, Break.ENTRY_HASH);
        // (b) a middle row deleted
        tampered(sql -> sql.sql("DELETE FROM audit_log WHERE id = ?").param(middle).update(), middle + 1, Break.ID_GAP);
        // (c) a forged row, hashed correctly, in place of a real one ...
        tampered(sql -> {
            Map<String, Object> real = sql.sql("SELECT * FROM audit_log WHERE id = ?").param(middle).query().singleRow();
            sql.sql("DELETE FROM audit_log WHERE id = ?").param(middle).update();
            Map<String, Object> forged = new java.util.HashMap<>(real);
            forged.keySet().removeIf(k -> k.equalsIgnoreCase("reason") || k.equalsIgnoreCase("entry_hash"));
            forged.put("reason", "approved by the CFO");
            forged.put("entry_hash", "-");
            insert(sql, forged);
            rehash(sql, middle);
        }, middle + 1, Break.PREVIOUS_HASH);
        // ... and after the head, chained to it
        tampered(sql -> {
            AuditLog.Head h = audit.lockHead();
            Instant at = Instant.parse("2026-01-01T00:00:00Z");
            String hash = AuditHash.entryHash(h.lastId() + 1, h.lastHash(), at, "engineer", "failure.discard", "parked_message", "1",
                    "forged", null);
            sql.sql("""
                    INSERT INTO audit_log (id, occurred_at, actor, action, target_type, target_id, reason, prev_hash, entry_hash)
                    VALUES (?, ?, 'engineer', 'failure.discard', 'parked_message', '1', 'forged', ?, ?)""")
                    .params(h.lastId() + 1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC), h.lastHash(), hash).update();
        }, head() + 1, Break.AFTER_HEAD);
        // (d) the last rows deleted
        long last = head();
        tampered(sql -> sql.sql("DELETE FROM audit_log WHERE id >= ?").param(last - 1).update(), last - 1, Break.HEAD);
        // (e) a prev_hash changed
        tampered(sql -> sql.sql("UPDATE audit_log SET prev_hash = ? WHERE id = ?").params("f".repeat(64), middle).update(),
                middle, Break.PREVIOUS_HASH);
        // a row edited and re-hashed by someone who knows the encoding: its successor's link shows it
        tampered(sql -> {
            sql.sql("UPDATE audit_log SET actor = 'finance' WHERE id = ?").param(reassigned).update();
            rehash(sql, reassigned);
        }, reassigned + 1, Break.PREVIOUS_HASH);
        // the last row edited and re-hashed: only the head shows it
        tampered(sql -> {
            sql.sql("UPDATE audit_log SET reason = 'rewritten' WHERE id = ?").param(last).update();
            rehash(sql, last);
        }, last, Break.HEAD_HASH);
        // the head row deleted
        tampered(sql -> sql.sql("DELETE FROM audit_chain").update(), 0, Break.NO_HEAD);
    }

    @Test
    void aBrokenChainIsAnsweredLoggedRecordedAndShownByTheGaugeUntilRestored() {
        audit.record("test.note", "audit_log", "api", "the original reason", null);
        long id = jdbc.sql("SELECT MAX(id) FROM audit_log WHERE action = 'test.note' AND target_id = 'api'").query(Long.class).single();
        jdbc.sql("UPDATE audit_log SET reason = 'edited' WHERE id = ?").param(id).update();
        try {
            JsonNode broken = json(call("engineer", HttpMethod.GET, "/api/ops/audit/verify", null));
            assertThat(broken.path("valid").asBoolean()).isFalse();
            assertThat(broken.path("brokenAt").path("id").asLong()).isEqualTo(id);
            assertThat(broken.path("brokenAt").path("reason").asText()).isEqualTo("entry hash mismatch (row edited)");
            assertThat(broken.path("lastId").asLong()).isEqualTo(id - 1);
            assertThat(jdbc.sql("SELECT actor || ' ' || target_id || ' ' || reason FROM audit_log WHERE action = ? ORDER BY id DESC")
                    .param(AuditChainCheck.BROKEN).query(String.class).list())
                    .first().isEqualTo("engineer " + id + " entry hash mismatch (row edited)");
            assertThat(gauge("crmhub.audit.chain.valid")).isEqualTo(0.0);
        } finally {
            jdbc.sql("UPDATE audit_log SET reason = 'the original reason' WHERE id = ?").param(id).update();
        }
        JsonNode valid = json(call("engineer", HttpMethod.GET, "/api/ops/audit/verify", null));
        assertThat(valid.path("valid").asBoolean()).as(valid.toString()).isTrue();
        assertThat(gauge("crmhub.audit.chain.valid")).isEqualTo(1.0);
        assertThat(gauge("crmhub.audit.chain.verified.timestamp.seconds")).isCloseTo(Instant.now().getEpochSecond(),
                org.assertj.core.data.Offset.offset(60.0));
    }

    @Test
    void operatorsAndJobsAppendingAtOnceMakeOneChainWithoutForks() throws Exception {
        long before = head();
        List<Long> customers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            customers.add(createCustomer("Busy Co " + i + " " + System.nanoTime(), uniquePhone(), "CN"));
        }
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            work.add(threads.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    if (thread < 4) {
                        String owner = i % 2 == 0 ? "sales2" : "sales";
                        ResponseEntity<String> moved = call("engineer", HttpMethod.PUT, "/api/customers/" + customers.get(thread) + "/owner",
                                "{\"owner\":\"" + owner + "\",\"reason\":\"rotation " + i + "\"}");
                        assertThat(moved.getStatusCode().value()).as(moved.getBody()).isEqualTo(200);
                    } else {
                        audit.record("test.job", "thread", thread + "-" + i, "busy", Map.of("i", i));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        threads.shutdown();
        long appended = jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE id > ?").param(before).query(Long.class).single();
        assertThat(appended).isGreaterThanOrEqualTo(80);
        assertThat(head() - before).as("no gap").isEqualTo(appended);
        assertThat(jdbc.sql("SELECT COUNT(DISTINCT prev_hash) FROM audit_log WHERE id > ?").param(before).query(Long.class).single())
                .as("no fork").isEqualTo(appended);
        ChainVerification v = verifier.verify();
        assertThat(v.valid()).as(String.valueOf(v)).isTrue();
    }

    @Test
    void theDailyVerificationRunsOnTheInstanceHoldingTheLeaseOnly() {
        jdbc.sql("UPDATE audit_chain SET verified_at = NULL, verified_valid = NULL WHERE id = 1").update();
        jdbc.sql("DELETE FROM cluster_lease WHERE name = ?").param(AuditChainCheck.LEASE).update();
        jdbc.sql("INSERT INTO cluster_lease (name, owner, expires_at) VALUES (?, 'another-hub', ?)")
                .params(AuditChainCheck.LEASE, OffsetDateTime.now(ZoneOffset.UTC).plusHours(1)).update();
        check.daily();
        assertThat(gauge("crmhub.audit.chain.valid")).as("another instance verifies today").isNaN();

        jdbc.sql("UPDATE cluster_lease SET expires_at = ? WHERE name = ?")
                .params(OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1), AuditChainCheck.LEASE).update();
        long entries = head();
        check.daily();
        assertThat(gauge("crmhub.audit.chain.valid")).isEqualTo(1.0);
        assertThat(head()).as("a valid chain is not recorded").isEqualTo(entries);
        assertThat(jdbc.sql("SELECT owner FROM cluster_lease WHERE name = ?").param(AuditChainCheck.LEASE).query(String.class).single())
                .isNotEqualTo("another-hub");
    }

    // ---- helpers ----

    /**
     * Tampers by plain SQL with the head locked (nothing appends meanwhile), verifies, and rolls everything back; the
     * chain is then verified valid again.
     */
    private void tampered(Consumer<org.springframework.jdbc.core.simple.JdbcClient> tamper, long brokenAt, Break reason) {
        TransactionTemplate tx = new TransactionTemplate(transactions);
        tx.executeWithoutResult(status -> {
            audit.lockHead();
            assertThat(verifier.verify().valid()).as("valid before").isTrue();
            tamper.accept(jdbc);
            assertBroken(verifier.verify(), brokenAt, reason);
            status.setRollbackOnly();
        });
        ChainVerification restored = verifier.verify();
        assertThat(restored.valid()).as("restored: " + restored).isTrue();
    }

    private long head() {
        return jdbc.sql("SELECT last_id FROM audit_chain WHERE id = 1").query(Long.class).single();
    }

    private long parkedMessage() {
        String event = "audit-chain-" + System.nanoTime();
        jdbc.sql("""
                INSERT INTO parked_message (flow, entity_key, event_id, reason_class, reason, transient_fault, attempts, headers, payload,
                                            status, first_failed_at, last_failed_at)
                VALUES ('crm-to-erp.customer-upsert', 'customer:0', ?, 'X', 'SAP refused', FALSE, 1, '{}', '{}', 'PARKED',
                        CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""").param(event).update();
        return jdbc.sql("SELECT id FROM parked_message WHERE event_id = ?").param(event).query(Long.class).single();
    }

    /** A gauge as the Prometheus endpoint would read it (crmhub_audit_chain_valid), from any instance. */
    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }
}
