package io.crmhub.ops.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.stereotype.Component;

/**
 * Flyway V14.1: chains the audit entries written before V14, in id order and in batches, with the hub's own
 * {@link AuditHash}, then moves the head to the last of them and makes the hash columns mandatory. Their
 * {@code occurred_at} is cut to milliseconds, the precision that is hashed. Runs once, in Flyway's transaction; a new
 * store has nothing to chain.
 */
@Component
class AuditChainMigration implements JavaMigration {
    static final int BATCH = 1000;

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("14.1");
    }

    @Override
    public String getDescription() {
        return "audit entries chained";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) {
        JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(context.getConnection(), true));
        String prev = AuditHash.GENESIS;
        long last = Long.MIN_VALUE;
        while (true) {
            List<Object[]> updates = new ArrayList<>(BATCH);
            long after = last;
            List<Object[]> rows = jdbc.query("""
                    SELECT id, occurred_at, actor, action, target_type, target_id, reason, detail FROM audit_log
                    WHERE id > ? ORDER BY id LIMIT ?""", (rs, n) -> new Object[] {rs.getLong(1),
                    rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getString(6), rs.getString(7), rs.getString(8)}, after, BATCH);
            for (Object[] r : rows) {
                long id = (Long) r[0];
                Instant at = AuditHash.truncate((Instant) r[1]);
                String hash = AuditHash.entryHash(id, prev, at, (String) r[2], (String) r[3], (String) r[4], (String) r[5],
                        (String) r[6], (String) r[7]);
                updates.add(new Object[] {OffsetDateTime.ofInstant(at, ZoneOffset.UTC), prev, hash, id});
                prev = hash;
                last = id;
            }
            jdbc.batchUpdate("UPDATE audit_log SET occurred_at = ?, prev_hash = ?, entry_hash = ? WHERE id = ?", updates);
            if (rows.size() < BATCH) {
                break;
            }
        }
        if (last != Long.MIN_VALUE) {
            jdbc.update("UPDATE audit_chain SET last_id = ?, last_hash = ?, legacy_last_id = ? WHERE id = 1", last, prev, last);
        }
        jdbc.execute("ALTER TABLE audit_log ALTER COLUMN prev_hash SET NOT NULL");
        jdbc.execute("ALTER TABLE audit_log ALTER COLUMN entry_hash SET NOT NULL");
    }
}
