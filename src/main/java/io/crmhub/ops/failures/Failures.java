package io.crmhub.ops.failures;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.crm.common.NotFoundException;
import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import io.crmhub.logging.PiiMasking;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Read side of the parked messages: filtered, paged lists and the masked detail of one. */
@Component
public class Failures {
    static final String COLUMNS = """
            id, status, flow, connector, entity_key, event_id, correlation_id, reason, reason_class, transient_fault,
            attempts, replay_count, first_failed_at, last_failed_at, last_replayed_at, resolved_at, resolution""";

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;

    public Failures(JdbcClient jdbc, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    public PageView<ParkedMessageView> list(FailureFilter filter, PageRequest page) {
        List<Object> params = FailureFilter.newParams();
        String where = where(filter, params);
        long total = jdbc.sql("SELECT COUNT(*) FROM parked_message" + where).params(params).query(Long.class).single();
        List<ParkedMessageView> items = jdbc.sql("SELECT " + COLUMNS + " FROM parked_message" + where
                        + " ORDER BY last_failed_at DESC, id DESC LIMIT " + page.sizeOrDefault() + " OFFSET " + page.offset())
                .params(params).query((rs, n) -> summary(rs)).list();
        return new PageView<>(items, page.pageOrDefault(), page.sizeOrDefault(), total);
    }

    /** Ids matching the filter, oldest failure first, at most {@code limit}. */
    List<Long> matchingIds(FailureFilter filter, int limit) {
        List<Object> params = FailureFilter.newParams();
        String where = where(filter, params);
        params.add(limit);
        return jdbc.sql("SELECT id FROM parked_message" + where + " ORDER BY first_failed_at, id LIMIT ?")
                .params(params).query(Long.class).list();
    }

    long count(FailureFilter filter) {
        List<Object> params = FailureFilter.newParams();
        String where = where(filter, params);
        return jdbc.sql("SELECT COUNT(*) FROM parked_message" + where).params(params).query(Long.class).single();
    }

    private String where(FailureFilter filter, List<Object> params) {
        StringBuilder where = new StringBuilder();
        filter.appendWhere(where, params, clock.instant());
        return where.toString();
    }

    public ParkedMessageView detail(long id) {
        return jdbc.sql("SELECT " + COLUMNS + ", headers, payload FROM parked_message WHERE id = ?").param(id)
                .query((rs, n) -> {
                    ParkedMessageView s = summary(rs);
                    return new ParkedMessageView(s.id(), s.status(), s.flow(), s.connector(), s.entityKey(), s.eventId(),
                            s.correlationId(), s.reason(), s.reasonClass(), s.transientFault(), s.attempts(), s.replayCount(),
                            s.firstFailedAt(), s.lastFailedAt(), s.lastReplayedAt(), s.resolvedAt(), s.resolution(),
                            maskedHeaders(rs.getString("headers")), PiiMasking.mask(rs.getString("payload")));
                })
                .optional().orElseThrow(() -> new NotFoundException("Parked message", id));
    }

    private Map<String, Object> maskedHeaders(String headersJson) {
        Map<String, Object> masked = new LinkedHashMap<>();
        try {
            Map<String, Object> headers = json.readValue(headersJson, new TypeReference<>() {
            });
            headers.forEach((k, v) -> masked.put(k, v instanceof String s ? PiiMasking.mask(s) : v));
        } catch (Exception e) {
            masked.put("unreadable", e.getMessage());
        }
        return masked;
    }

    private static ParkedMessageView summary(ResultSet rs) throws SQLException {
        return new ParkedMessageView(rs.getLong("id"), rs.getString("status"), rs.getString("flow"), rs.getString("connector"),
                rs.getString("entity_key"), rs.getString("event_id"), rs.getString("correlation_id"),
                PiiMasking.mask(rs.getString("reason")), rs.getString("reason_class"), rs.getBoolean("transient_fault"),
                rs.getInt("attempts"), rs.getInt("replay_count"), instant(rs.getTimestamp("first_failed_at")),
                instant(rs.getTimestamp("last_failed_at")), instant(rs.getTimestamp("last_replayed_at")),
                instant(rs.getTimestamp("resolved_at")), rs.getString("resolution"), null, null);
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
