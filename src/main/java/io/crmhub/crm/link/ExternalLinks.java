package io.crmhub.crm.link;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * CRM entity ↔ external system ↔ external id. The current state lives in {@code external_link}; every outcome is
 * appended to {@code sync_journal}, which is the history.
 */
@Component
public class ExternalLinks {
    public static final String SYNCED = "SYNCED";
    public static final String FAILED = "FAILED";
    public static final String SKIPPED = "SKIPPED";
    public static final String UNLINKED = "UNLINKED";

    private final JdbcClient jdbc;
    private final Clock clock;

    public ExternalLinks(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public List<ExternalReference> forEntity(String entityType, long entityId) {
        return jdbc.sql("""
                SELECT system, external_id, last_status, synced_version, last_synced_at, last_message
                FROM external_link WHERE entity_type = ? AND entity_id = ? ORDER BY system""")
                .params(entityType, entityId)
                .query((rs, n) -> new ExternalReference(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getTimestamp(5).toInstant(), rs.getString(6)))
                .list();
    }

    public Optional<ExternalReference> find(String entityType, long entityId, String system) {
        return forEntity(entityType, entityId).stream().filter(r -> r.system().equals(system)).findFirst();
    }

    /** The version the external system already has (0 when never synced). */
    public long syncedVersion(String entityType, long entityId, String system) {
        return jdbc.sql("SELECT synced_version FROM external_link WHERE entity_type = ? AND entity_id = ? AND system = ? AND last_status = ?")
                .params(entityType, entityId, system, SYNCED).query(Long.class).optional().orElse(0L);
    }

    /** Records a successful sync of {@code version} and journals it, atomically. */
    @Transactional
    public void recordSynced(SyncOutcome outcome) {
        Timestamp now = Timestamp.from(clock.instant());
        int updated = jdbc.sql("""
                UPDATE external_link SET external_id = ?, synced_version = ?, last_status = ?, last_message = ?, last_synced_at = ?
                WHERE entity_type = ? AND entity_id = ? AND system = ? AND synced_version <= ?""")
                .params(outcome.externalId(), outcome.version(), SYNCED, truncate(outcome.message()), now,
                        outcome.entityType(), outcome.entityId(), outcome.system(), outcome.version())
                .update();
        if (updated == 0 && find(outcome.entityType(), outcome.entityId(), outcome.system()).isEmpty()) {
            jdbc.sql("""
                    INSERT INTO external_link (entity_type, entity_id, system, external_id, synced_version, last_status,
                                               last_message, last_synced_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(outcome.entityType(), outcome.entityId(), outcome.system(), outcome.externalId(),
                            outcome.version(), SYNCED, truncate(outcome.message()), now)
                    .update();
        }
        journal(outcome, SYNCED, now);
    }

    /**
     * Drops the entity's link to {@code system} and journals it ({@value #UNLINKED}), in the caller's transaction: the
     * next sync looks the record up by our reference again. Returns the external id that was linked, if any.
     */
    public Optional<String> unlink(String entityType, long entityId, String system, String flow, String message) {
        Optional<String> dropped = find(entityType, entityId, system).map(ExternalReference::externalId);
        jdbc.sql("DELETE FROM external_link WHERE entity_type = ? AND entity_id = ? AND system = ?")
                .params(entityType, entityId, system).update();
        journal(new SyncOutcome(entityType, entityId, 0, system, dropped.orElse(null), flow, null, null, message), UNLINKED);
        return dropped;
    }

    /** Journals an outcome that does not change the link (a skipped duplicate, a parked failure). */
    public void journal(SyncOutcome outcome, String status) {
        journal(outcome, status, Timestamp.from(clock.instant()));
    }

    private void journal(SyncOutcome o, String status, Timestamp at) {
        jdbc.sql("""
                INSERT INTO sync_journal (entity_type, entity_id, system, flow, event_id, correlation_id, entity_version,
                                          outcome, external_id, message, occurred_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(o.entityType(), o.entityId(), o.system(), o.flow(), o.eventId(), o.correlationId(), o.version(),
                        status, o.externalId(), truncate(o.message()), at)
                .update();
    }

    /** Messages often quote a provider's answer, which may echo a phone or e-mail: stored masked, like logs. */
    private static String truncate(String s) {
        s = io.crmhub.logging.PiiMasking.mask(s);
        return s == null || s.length() <= 1000 ? s : s.substring(0, 1000);
    }
}
