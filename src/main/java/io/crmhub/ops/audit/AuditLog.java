package io.crmhub.ops.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.logging.PiiMasking;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The audit log of operator actions (replay, discard, resync, mapping reload) and housekeeping: who, when, what and
 * why. Details are stored masked, like everything people read.
 */
@Component
public class AuditLog implements io.crmhub.crm.common.AuditTrail {
    public static final String SYSTEM = "system";

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;

    public AuditLog(JdbcClient jdbc, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    public record Entry(long id, Instant occurredAt, String actor, String action, String targetType, String targetId,
                        String reason, String detail) {
    }

    /** Records an action by the current user (or {@value #SYSTEM} outside a request). */
    @Override
    public void record(String action, String targetType, String targetId, String reason, Map<String, ?> detail) {
        jdbc.sql("""
                INSERT INTO audit_log (occurred_at, actor, action, target_type, target_id, reason, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(Timestamp.from(clock.instant()), currentActor(), action, targetType, targetId,
                        truncate(PiiMasking.mask(reason), 1000), PiiMasking.mask(toJson(detail)))
                .update();
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

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
