package io.crmhub.crm.engagement;

import io.crmhub.crm.common.DataScope;
import io.crmhub.crm.common.NotFoundException;
import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read endpoints for e-signature contracts and social interactions (writes arrive with their flows), in the caller's
 * data scope by their customer: an interaction not matched to a customer is for FINANCE and ENGINEER only.
 */
@Tag(name = "Engagement")
@Validated
@RestController
@RequestMapping("/api")
class EngagementController {
    private final JdbcClient jdbc;

    EngagementController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    // rows are mapped by column name: a class-based row mapper probes camelCase names, which H2 logs as errors in its trace file
    record ContractView(long id, Long orderId, long customerId, String title, String provider, String status,
                        long version, Instant createdAt, Instant updatedAt) {
        static final String COLUMNS = "id, order_id, customer_id, title, provider, status, version, created_at, updated_at";
        static final RowMapper<ContractView> ROW = (rs, n) -> new ContractView(rs.getLong("id"), rs.getObject("order_id", Long.class),
                rs.getLong("customer_id"), rs.getString("title"), rs.getString("provider"), rs.getString("status"),
                rs.getLong("version"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    record InteractionView(long id, Long customerId, String channel, String direction, String channelUserId,
                           String content, Instant occurredAt, Instant createdAt) {
        static final String COLUMNS = "id, customer_id, channel, direction, channel_user_id, content, occurred_at, created_at";
        static final RowMapper<InteractionView> ROW = (rs, n) -> new InteractionView(rs.getLong("id"),
                rs.getObject("customer_id", Long.class), rs.getString("channel"), rs.getString("direction"),
                rs.getString("channel_user_id"), rs.getString("content"), instant(rs, "occurred_at"), instant(rs, "created_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }

    @Operation(summary = "E-signature contracts, one page at a time")
    @GetMapping("/contracts")
    PageView<ContractView> contracts(@Valid PageRequest page, DataScope scope) {
        String where = " WHERE 1 = 1" + scope.filterVia("customer_id", "customer");
        return new PageView<>(jdbc.sql("SELECT " + ContractView.COLUMNS + " FROM contract" + where + " ORDER BY id LIMIT ? OFFSET ?")
                .params(scope.params(List.of(), page.sizeOrDefault(), page.offset())).query(ContractView.ROW).list(),
                page.pageOrDefault(), page.sizeOrDefault(),
                jdbc.sql("SELECT COUNT(*) FROM contract" + where).params(scope.params()).query(Long.class).single());
    }

    @Operation(summary = "One e-signature contract")
    @GetMapping("/contracts/{id}")
    ContractView contract(@PathVariable long id, DataScope scope) {
        return jdbc.sql("SELECT " + ContractView.COLUMNS + " FROM contract WHERE id = ?" + scope.filterVia("customer_id", "customer"))
                .params(scope.params(List.of(id))).query(ContractView.ROW)
                .optional().orElseThrow(() -> new NotFoundException("contract", id));
    }

    @Operation(summary = "Social interactions, one page at a time")
    @GetMapping("/interactions")
    PageView<InteractionView> interactions(@Valid PageRequest page, DataScope scope) {
        String where = " WHERE 1 = 1" + scope.filterVia("customer_id", "customer");
        return new PageView<>(jdbc.sql("SELECT " + InteractionView.COLUMNS + " FROM interaction" + where + " ORDER BY id LIMIT ? OFFSET ?")
                .params(scope.params(List.of(), page.sizeOrDefault(), page.offset())).query(InteractionView.ROW).list(),
                page.pageOrDefault(), page.sizeOrDefault(),
                jdbc.sql("SELECT COUNT(*) FROM interaction" + where).params(scope.params()).query(Long.class).single());
    }

    @Operation(summary = "One social interaction")
    @GetMapping("/interactions/{id}")
    InteractionView interaction(@PathVariable long id, DataScope scope) {
        return jdbc.sql("SELECT " + InteractionView.COLUMNS + " FROM interaction WHERE id = ?" + scope.filterVia("customer_id", "customer"))
                .params(scope.params(List.of(id))).query(InteractionView.ROW)
                .optional().orElseThrow(() -> new NotFoundException("interaction", id));
    }
}
