package io.crmhub.ops.failures;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which parked messages an operation applies to. Every field is optional; an empty filter matches every message in
 * the given status (default {@code PARKED}). {@code olderThan}/{@code newerThan} are ISO-8601 durations on the last
 * failure time ({@code PT1H}, {@code P2D}).
 */
public record FailureFilter(String flow, String connector, String reason, String entity, String correlationId,
                            String status, Duration olderThan, Duration newerThan) {

    static final List<String> STATUSES = List.of("PARKED", "REPLAYED", "RESOLVED", "DISCARDED", "ALL");

    public String statusOrDefault() {
        return status == null || status.isBlank() ? "PARKED" : status.toUpperCase(Locale.ROOT);
    }

    /** Appends the WHERE conditions for this filter to {@code sql} and their values to {@code params}. */
    void appendWhere(StringBuilder sql, List<Object> params, Instant now) {
        sql.append(" WHERE 1 = 1");
        if (!"ALL".equals(statusOrDefault())) {
            sql.append(" AND status = ?");
            params.add(statusOrDefault());
        }
        eq(sql, params, "flow", flow);
        eq(sql, params, "connector", connector);
        if (entity != null && !entity.isBlank()) {
            sql.append(" AND entity_key = ?");
            params.add(entity.toLowerCase(Locale.ROOT));
        }
        eq(sql, params, "correlation_id", correlationId);
        if (reason != null && !reason.isBlank()) {
            sql.append(" AND (LOWER(reason) LIKE ? OR LOWER(reason_class) LIKE ?)");
            String like = "%" + reason.toLowerCase(Locale.ROOT).replace("%", "\\%").replace("_", "\\_") + "%";
            params.add(like);
            params.add(like);
        }
        if (olderThan != null) {
            sql.append(" AND last_failed_at <= ?");
            params.add(java.sql.Timestamp.from(now.minus(olderThan)));
        }
        if (newerThan != null) {
            sql.append(" AND last_failed_at >= ?");
            params.add(java.sql.Timestamp.from(now.minus(newerThan)));
        }
    }

    private static void eq(StringBuilder sql, List<Object> params, String column, String value) {
        if (value != null && !value.isBlank()) {
            sql.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
    }

    static FailureFilter everythingParked() {
        return new FailureFilter(null, null, null, null, null, null, null, null);
    }

    static List<Object> newParams() {
        return new ArrayList<>();
    }
}
