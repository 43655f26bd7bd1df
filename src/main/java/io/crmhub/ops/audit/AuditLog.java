package io.crmhub.ops.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.logging.PiiMasking;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
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
public class AuditLog {
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
    public void record(String action, String targetType, String targetId, String reason, Map<String, ?> detail) {
        jdbc.sql("""
                INSERT INTO audit_log (occurred_at, actor, action, target_type, target_id, reason, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(Timestamp.from(clock.instant()), currentActor(), action, targetType, targetId,
                        truncate(PiiMasking.mask(reason), 1000), PiiMasking.mask(toJson(detail)))
                .update();
    }

    public List<Entry> find(String targetType, String targetId, String action, Instant from, Instant to, int limit, long offset) {
        StringBuilder sql = new StringBuilder("""
                SELECT id, occurred_at, actor, action, target_type, target_id, reason, detail FROM audit_log WHERE 1 = 1""");
        java.util.List<Object> params = new java.util.ArrayList<>();
        if (targetType != null) {
            sql.append(" AND target_type = ?");
            params.add(targetType);
        }
        if (targetId != null) {
            sql.append(" AND target_id = ?");
            params.add(targetId);
        }
        if (action != null) {
            sql.append(" AND action = ?");
            params.add(action);
        }
        if (from != null) {
            sql.append(" AND occurred_at >= ?");
            params.add(Timestamp.from(from));
        }
        if (to != null) {
            sql.append(" AND occurred_at < ?");
            params.add(Timestamp.from(to));
        }
        sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT ").append(limit).append(" OFFSET ").append(offset);
        return jdbc.sql(sql.toString()).params(params)
                .query((rs, n) -> new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)))
                .list();
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
