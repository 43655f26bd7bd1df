package io.crmhub.ops.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.logging.PiiMasking;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit log of operator actions (replay, discard, resync, mapping reload) and housekeeping: who, when, what and
 * why. Details are stored masked, like everything people read.
 *
 * <p>The log is a hash chain (docs/operations.md §5): an entry's id is the head's id + 1 and its {@code prev_hash} the
 * head's hash, both read with the head row locked ({@code SELECT … FOR UPDATE} on {@code audit_chain}) in the
 * transaction that inserts the entry and moves the head. Appends from every thread and hub instance are therefore
 * serialized by the database, ids have no gaps and the chain cannot fork. The append joins the caller's transaction
 * (PROPAGATION_REQUIRED): an action that rolls back leaves no entry claiming it happened (and the head did not move),
 * and outside a transaction the append is a transaction of its own. Not REQUIRES_NEW: that would commit entries for
 * actions that were rolled back, and a second append in a transaction that already holds the head would wait for
 * itself.
 */
@Component
public class AuditLog implements io.crmhub.crm.common.AuditTrail {
    public static final String SYSTEM = "system";

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final TransactionTemplate tx;

    public AuditLog(JdbcClient jdbc, ObjectMapper json, Clock clock, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
    }

    /** The chain's head: the last entry appended (id 0 and {@link AuditHash#GENESIS} while there is none). */
    record Head(long lastId, String lastHash) {
    }

    public record Entry(long id, Instant occurredAt, String actor, String action, String targetType, String targetId,
                        String reason, String detail) {
    }

    /** Records an action by the current user (or {@value #SYSTEM} outside a request). */
    @Override
    public void record(String action, String targetType, String targetId, String reason, Map<String, ?> detail) {
        String actor = currentActor();
        String maskedReason = truncate(PiiMasking.mask(reason), 1000);
        String maskedDetail = PiiMasking.mask(toJson(detail));
        tx.executeWithoutResult(status -> append(actor, action, targetType, targetId, maskedReason, maskedDetail));
    }

    /** Appends one entry as stored (already masked) and moves the head; in the current transaction. Returns its id. */
    private long append(String actor, String action, String targetType, String targetId, String reason, String detail) {
        Head head = lockHead();
        long id = head.lastId() + 1;
        Instant at = AuditHash.truncate(clock.instant());
        String hash = AuditHash.entryHash(id, head.lastHash(), at, actor, action, targetType, targetId, reason, detail);
        jdbc.sql("""
                INSERT INTO audit_log (id, occurred_at, actor, action, target_type, target_id, reason, detail, prev_hash, entry_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, OffsetDateTime.ofInstant(at, ZoneOffset.UTC), actor, action, targetType, targetId, reason, detail,
                        head.lastHash(), hash)
                .update();
        jdbc.sql("UPDATE audit_chain SET last_id = ?, last_hash = ? WHERE id = 1").params(id, hash).update();
        return id;
    }

    /**
     * The head, locked until the current transaction ends: appends (and the purge) on every instance queue here. A
     * missing head row is refused rather than re-created: re-creating it would hide that it was deleted.
     */
    Head lockHead() {
        return jdbc.sql("SELECT last_id, last_hash FROM audit_chain WHERE id = 1 FOR UPDATE")
                .query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).optional()
                .orElseThrow(() -> new IllegalStateException("audit_chain has no head row: the audit chain was tampered with "
                        + "(docs/operations.md §5, when verification reports a broken chain)"));
    }

    /** One page of entries, newest first; every filter is optional. */
    public PageView<Entry> page(String targetType, String targetId, String action, Instant from, Instant to, PageRequest page) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        java.util.List<Object> params = new java.util.ArrayList<>();
        condition(where, params, " AND target_type = ?", targetType);
        condition(where, params, " AND target_id = ?", targetId);
        condition(where, params, " AND action = ?", action);
        condition(where, params, " AND occurred_at >= ?", from == null ? null : Timestamp.from(from));
        condition(where, params, " AND occurred_at < ?", to == null ? null : Timestamp.from(to));
        long total = jdbc.sql("SELECT COUNT(*) FROM audit_log" + where).params(params).query(Long.class).single();
        java.util.List<Object> paged = new java.util.ArrayList<>(params);
        paged.add(page.sizeOrDefault());
        paged.add(page.offset());
        List<Entry> items = jdbc.sql("SELECT id, occurred_at, actor, action, target_type, target_id, reason, detail FROM audit_log"
                        + where + " ORDER BY occurred_at DESC, id DESC LIMIT ? OFFSET ?").params(paged)
                .query((rs, n) -> new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)))
                .list();
        return new PageView<>(items, page.pageOrDefault(), page.sizeOrDefault(), total);
    }

    private static void condition(StringBuilder where, List<Object> params, String sql, Object value) {
        if (value != null) {
            where.append(sql);
            params.add(value);
        }
    }

    static String currentActor() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() ? SYSTEM : auth.getName();
    }

    private String toJson(Map<String, ?> detail) {
        if (detail == null || detail.isEmpty()) {
            return null;
        }
        try {
            return json.writeValueAsString(detail);
        } catch (JsonProcessingException e) {
            return String.valueOf(detail);
        }
    }

    /** At most {@code max} characters, never half of a surrogate pair (which would not survive UTF-8 unchanged). */
    static String truncate(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }
}
