package io.crmhub.ops.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.crmhub.support.TestDatabases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit chain on a store of its own (H2, or a schema of the PostgreSQL suite's database), migrated by the real
 * migrations including V14.1, with the audit components wired by hand: a fixed clock for the purge, entries from
 * before V14 chained by the migration, and two "instances" (two connection pools, as two hub processes have) appending
 * from several threads at once.
 */
class AuditChainStoreIT {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final String schema = "audit_chain_" + System.nanoTime();
    private final String h2 = "jdbc:h2:mem:" + schema + ";DB_CLOSE_DELAY=-1";
    private final SettableClock clock = new SettableClock(T0);

    @AfterEach
    void close() {
        if (TestDatabases.postgres() && !pools.isEmpty()) {
            JdbcClient.create(pools.get(0)).sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE").update();
        } else if (!pools.isEmpty()) {
            JdbcClient.create(pools.get(0)).sql("SHUTDOWN").update();
        }
        pools.forEach(HikariDataSource::close);
    }

    @Test
    void thePurgeDeletesAPrefixWritesTheAnchorAndTheChainStaysVerifiable() {
        DataSource db = migrated(null);
        JdbcClient jdbc = JdbcClient.create(db);
        AuditLog audit = auditLog(db);
        AuditChainVerifier verifier = new AuditChainVerifier(jdbc, clock, 3);
        // days 0, 1, 2, then an entry by an instance whose clock ran 188 days ahead, then days 3 to 8
        int[] days = {0, 1, 2, 190, 3, 4, 5, 6, 7, 8};
        for (int day : days) {
            clock.set(T0.plus(Duration.ofDays(day)));
            audit.record("failure.replay", "parked_message", String.valueOf(day), "day " + day, Map.of("day", day));
        }
        assertThat(verifier.verify().valid()).isTrue();

        // retention 180 days on day 185.5: the cutoff is day 5.5; the purge deletes a prefix of the chain, so entries
        // 1 to 3 go and entries 5 to 7 (days 3 to 5) wait behind entry 4 (day 190) for a later purge
        clock.set(T0.plus(Duration.ofDays(185)).plus(Duration.ofHours(12)));
        AuditRetention retention = new AuditRetention(jdbc, audit, new AuditProperties(Duration.ofDays(180), "-", "-"), clock,
                new DataSourceTransactionManager(db));
        AuditRetention.Purged purged = retention.purge();
        assertThat(purged.auditEntries()).isEqualTo(3);
        assertThat(purged.anchorId()).isEqualTo(3L);
        assertThat(jdbc.sql("SELECT MIN(id) FROM audit_log").query(Long.class).single()).isEqualTo(4L);

        ChainVerification after = verifier.verify();
        assertThat(after.valid()).as(String.valueOf(after)).isTrue();
        assertThat(after.anchor().id()).isEqualTo(3);
        assertThat(after.anchor().purged()).isEqualTo(3);
        assertThat(after.anchor().purgedTotal()).isEqualTo(3);
        assertThat(after.anchor().cutoff()).isEqualTo(T0.plus(Duration.ofDays(5)).plus(Duration.ofHours(12)));
        assertThat(after.anchor().occurredAt()).isEqualTo(T0.plus(Duration.ofDays(2)));
        assertThat(after.anchor().purgedAt()).isEqualTo(clock.instant());
        assertThat(after.firstId()).isEqualTo(4);
        assertThat(after.lastId()).as("the purge itself is the last entry").isEqualTo(11);
        assertThat(after.entries()).isEqualTo(8);
        assertThat(jdbc.sql("SELECT action FROM audit_log WHERE id = 11").query(String.class).single()).isEqualTo("retention.purge");
        assertThat(jdbc.sql("SELECT prev_hash FROM audit_log WHERE id = 4").query(String.class).single()).isEqualTo(after.anchor().hash());

        // a second instance purging at the same time finds nothing (the head's lock serialized them): no second entry
        assertThat(retention.purge().auditEntries()).isZero();
        assertThat(verifier.verify().lastId()).isEqualTo(11);

        // the anchor tampered with: its hash, then its id
        String hash = after.anchor().hash();
        jdbc.sql("UPDATE audit_chain SET anchor_hash = ? WHERE id = 1").param("e".repeat(64)).update();
        assertBroken(verifier.verify(), 4, AuditChainVerifier.Break.PREVIOUS_HASH);
        jdbc.sql("UPDATE audit_chain SET anchor_hash = ? WHERE id = 1").param(hash).update();
        assertThat(verifier.verify().valid()).isTrue();
        jdbc.sql("UPDATE audit_chain SET anchor_id = 1 WHERE id = 1").update();
        assertBroken(verifier.verify(), 4, AuditChainVerifier.Break.ID_GAP);
        jdbc.sql("UPDATE audit_chain SET anchor_id = 5 WHERE id = 1").update();
        assertBroken(verifier.verify(), 4, AuditChainVerifier.Break.BEFORE_START);
        jdbc.sql("UPDATE audit_chain SET anchor_id = 3 WHERE id = 1").update();
        assertThat(verifier.verify().valid()).isTrue();

        // deleting the first remaining entry without moving the anchor (a purge by hand)
        Map<String, Object> first = jdbc.sql("SELECT * FROM audit_log WHERE id = 4").query().singleRow();
        jdbc.sql("DELETE FROM audit_log WHERE id = 4").update();
        assertBroken(verifier.verify(), 5, AuditChainVerifier.Break.ID_GAP);
        insert(jdbc, first);
        assertThat(verifier.verify().valid()).isTrue();

        // everything purged: the anchor is the head, the purge entry follows it
        clock.set(T0.plus(Duration.ofDays(400)));
        assertThat(retention.purge().anchorId()).isEqualTo(11L);
        ChainVerification empty = verifier.verify();
        assertThat(empty.valid()).as(String.valueOf(empty)).isTrue();
        assertThat(empty.firstId()).isEqualTo(12);
        assertThat(empty.anchor().purgedTotal()).isEqualTo(11);
    }

    @Test
    void entriesFromBeforeV14AreChainedByTheMigrationAndTheirIdGapsTolerated() {
        DataSource db = migrated("13");
        JdbcClient jdbc = JdbcClient.create(db);
        for (int i = 0; i < 7; i++) {
            jdbc.sql("""
                    INSERT INTO audit_log (occurred_at, actor, action, target_type, target_id, reason, detail)
                    VALUES (?, 'engineer', 'failure.discard', 'parked_message', ?, ?, ?)""")
                    .params(java.time.OffsetDateTime.parse("2025-06-01T10:00:00.123456Z").plusMinutes(i), String.valueOf(i),
                            i == 2 ? null : "reason " + i, i == 3 ? null : "{\"i\":" + i + "}")
                    .update();
        }
        // an identity column leaves gaps (rolled back inserts, earlier purges)
        jdbc.sql("DELETE FROM audit_log WHERE id IN (1, 4)").update();
        migrate(db, null);

        AuditChainVerifier verifier = new AuditChainVerifier(jdbc, clock, 2);
        ChainVerification legacy = verifier.verify();
        assertThat(legacy.valid()).as(String.valueOf(legacy)).isTrue();
        assertThat(legacy.entries()).isEqualTo(5);
        assertThat(legacy.firstId()).isEqualTo(2);
        assertThat(legacy.legacyLastId()).isEqualTo(7);
        assertThat(legacy.head().id()).isEqualTo(7);
        assertThat(jdbc.sql("SELECT occurred_at FROM audit_log WHERE id = 2").query(java.time.OffsetDateTime.class).single().toInstant())
                .as("cut to the hashed precision").isEqualTo(Instant.parse("2025-06-01T10:01:00.123Z"));

        AuditLog audit = auditLog(db);
        audit.record("failure.replay", "parked_message", "9", "after the upgrade", null);
        assertThat(jdbc.sql("SELECT id FROM audit_log WHERE target_id = '9'").query(Long.class).single()).isEqualTo(8L);
        assertThat(verifier.verify().valid()).isTrue();

        // a legacy row deleted is still found (by its successor's prev_hash); a new one missing is a gap
        Map<String, Object> row = jdbc.sql("SELECT * FROM audit_log WHERE id = 5").query().singleRow();
        jdbc.sql("DELETE FROM audit_log WHERE id = 5").update();
        assertBroken(verifier.verify(), 6, AuditChainVerifier.Break.PREVIOUS_HASH);
        insert(jdbc, row);
        Map<String, Object> last = jdbc.sql("SELECT * FROM audit_log WHERE id = 7").query().singleRow();
        jdbc.sql("DELETE FROM audit_log WHERE id = 7").update();
        assertBroken(verifier.verify(), 8, AuditChainVerifier.Break.ID_GAP);
        insert(jdbc, last);
        assertThat(verifier.verify().valid()).isTrue();
        // a row without an id (the identity is gone) is refused: only the hub gives ids
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> jdbc.sql(
                "INSERT INTO audit_log (occurred_at, actor, action, target_type, prev_hash, entry_hash) VALUES (CURRENT_TIMESTAMP, 'x', 'y', 'z', 'p', 'e')")
                .update())).isNotNull();
    }

    @Test
    void twoInstancesAppendingFromManyThreadsMakeOneChainWithoutGapsOrForks() throws Exception {
        DataSource first = migrated(null);
        DataSource second = pool();
        List<AuditLog> instances = List.of(auditLog(first), auditLog(second));
        List<TransactionTemplate> transactions = List.of(new TransactionTemplate(new DataSourceTransactionManager(first)),
                new TransactionTemplate(new DataSourceTransactionManager(second)));
        AtomicInteger committed = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            work.add(threads.submit(() -> {
                AuditLog audit = instances.get(thread % 2);
                TransactionTemplate tx = transactions.get(thread % 2);
                for (int i = 0; i < 25; i++) {
                    String target = thread + "-" + i;
                    switch (i % 4) {
                        case 0 -> tx.executeWithoutResult(s -> { // an audited action that rolls back leaves no entry
                            audit.record("test.rolled-back", "thread", target, null, null);
                            s.setRollbackOnly();
                        });
                        case 1 -> {
                            tx.executeWithoutResult(s -> { // two entries in one action's transaction
                                audit.record("test.in-transaction", "thread", target, "first", null);
                                audit.record("test.in-transaction", "thread", target, "second", null);
                            });
                            committed.addAndGet(2);
                        }
                        default -> {
                            audit.record("test.alone", "thread", target, "reason " + i, Map.of("i", i));
                            committed.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        threads.shutdown();
        JdbcClient jdbc = JdbcClient.create(first);
        long count = jdbc.sql("SELECT COUNT(*) FROM audit_log").query(Long.class).single();
        assertThat(count).isEqualTo(committed.get()).isEqualTo(8 * (6 * 2 + 12));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'test.rolled-back'").query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT COUNT(DISTINCT prev_hash) FROM audit_log").query(Long.class).single()).as("no fork").isEqualTo(count);
        assertThat(jdbc.sql("SELECT MAX(id) FROM audit_log").query(Long.class).single()).as("no gap").isEqualTo(count);
        ChainVerification v = new AuditChainVerifier(jdbc, clock, 50).verify();
        assertThat(v.valid()).as(String.valueOf(v)).isTrue();
        assertThat(v.entries()).isEqualTo(count);
        assertThat(v.headMatches()).isTrue();
    }

    // ---- helpers ----

    static void assertBroken(ChainVerification v, long id, AuditChainVerifier.Break reason) {
        assertThat(v.valid()).as(String.valueOf(v)).isFalse();
        assertThat(v.brokenAt().id()).as(String.valueOf(v.brokenAt())).isEqualTo(id);
        assertThat(v.brokenAt().reason()).as(String.valueOf(v.brokenAt())).isEqualTo(reason.text);
    }

    /** Recomputes one entry's hash as a forger would (the encoding is public), leaving its successor's link as it was. */
    static void rehash(JdbcClient jdbc, long id) {
        Map<String, Object> r = lower(jdbc.sql("SELECT * FROM audit_log WHERE id = ?").param(id).query().singleRow());
        String hash = AuditHash.entryHash(id, (String) r.get("prev_hash"), instant(r.get("occurred_at")), (String) r.get("actor"),
                (String) r.get("action"), (String) r.get("target_type"), (String) r.get("target_id"), (String) r.get("reason"),
                text(r.get("detail")));
        jdbc.sql("UPDATE audit_log SET entry_hash = ? WHERE id = ?").params(hash, id).update();
    }

    /** Puts a row read with {@code SELECT *} back as it was. */
    static void insert(JdbcClient jdbc, Map<String, Object> row) {
        Map<String, Object> r = lower(row);
        jdbc.sql("""
                INSERT INTO audit_log (id, occurred_at, actor, action, target_type, target_id, reason, detail, prev_hash, entry_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(r.get("id"), java.time.OffsetDateTime.ofInstant(instant(r.get("occurred_at")), ZoneOffset.UTC), r.get("actor"),
                        r.get("action"), r.get("target_type"), r.get("target_id"), r.get("reason"), text(r.get("detail")),
                        r.get("prev_hash"), r.get("entry_hash"))
                .update();
    }

    private static Map<String, Object> lower(Map<String, Object> row) {
        Map<String, Object> r = new java.util.HashMap<>();
        row.forEach((k, v) -> r.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return r;
    }

    static Instant instant(Object value) {
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalArgumentException("not a time: " + value.getClass());
    }

    static String text(Object value) {
        if (value instanceof java.sql.Clob clob) {
            try {
                return clob.getSubString(1, (int) clob.length());
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return (String) value;
    }

    private AuditLog auditLog(DataSource db) {
        return new AuditLog(JdbcClient.create(db), new ObjectMapper(), clock, new DataSourceTransactionManager(db));
    }

    private DataSource migrated(String target) {
        HikariDataSource db = pool();
        migrate(db, target);
        return db;
    }

    private void migrate(DataSource db, String target) {
        var config = Flyway.configure().dataSource(db).locations("classpath:db/migration",
                "classpath:db/vendor/" + (TestDatabases.postgres() ? "postgresql" : "h2")).javaMigrations(new AuditChainMigration());
        if (TestDatabases.postgres()) {
            config.schemas(schema).createSchemas(true);
        }
        if (target != null) {
            config.target(target);
        }
        config.load().migrate();
    }

    private HikariDataSource pool() {
        HikariConfig config = new HikariConfig();
        config.setMaximumPoolSize(5);
        if (TestDatabases.postgres()) {
            config.setJdbcUrl(System.getProperty("spring.datasource.url"));
            config.setUsername(System.getProperty("spring.datasource.username", "postgres"));
            config.setPassword(System.getProperty("spring.datasource.password", ""));
            config.setConnectionInitSql("CREATE SCHEMA IF NOT EXISTS " + schema);
            config.setSchema(schema);
        } else {
            config.setJdbcUrl(h2);
            config.setUsername("sa");
        }
        HikariDataSource db = new HikariDataSource(config);
        pools.add(db);
        return db;
    }

    /** A clock the test moves. */
    static final class SettableClock extends Clock {
        private final AtomicReference<Instant> now;

        SettableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void set(Instant instant) {
            now.set(instant);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
