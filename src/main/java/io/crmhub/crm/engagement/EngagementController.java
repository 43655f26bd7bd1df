package io.crmhub.crm.engagement;

import io.crmhub.crm.common.NotFoundException;
import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Read endpoints for e-signature contracts and social interactions (writes arrive with their flows). */
@Tag(name = "Engagement")
@Validated
@RestController
@RequestMapping("/api")
class EngagementController {
    private final JdbcClient jdbc;

    EngagementController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record ContractView(long id, Long orderId, long customerId, String title, String provider, String status,
                        long version, Instant createdAt, Instant updatedAt) {
    }

    record InteractionView(long id, Long customerId, String channel, String direction, String channelUserId,
                           String content, Instant occurredAt, Instant createdAt) {
    }

    @GetMapping("/contracts")
    PageView<ContractView> contracts(@Valid PageRequest page) {
        return new PageView<>(jdbc.sql("SELECT * FROM contract ORDER BY id LIMIT ? OFFSET ?")
                .params(page.sizeOrDefault(), page.offset()).query(ContractView.class).list(),
                page.pageOrDefault(), page.sizeOrDefault(), jdbc.sql("SELECT COUNT(*) FROM contract").query(Long.class).single());
    }

    @GetMapping("/contracts/{id}")
    ContractView contract(@PathVariable long id) {
        return jdbc.sql("SELECT * FROM contract WHERE id = ?").param(id).query(ContractView.class)
                .optional().orElseThrow(() -> new NotFoundException("contract", id));
    }

    @GetMapping("/interactions")
    PageView<InteractionView> interactions(@Valid PageRequest page) {
        return new PageView<>(jdbc.sql("SELECT * FROM interaction ORDER BY id LIMIT ? OFFSET ?")
                .params(page.sizeOrDefault(), page.offset()).query(InteractionView.class).list(),
                page.pageOrDefault(), page.sizeOrDefault(), jdbc.sql("SELECT COUNT(*) FROM interaction").query(Long.class).single());
    }

    @GetMapping("/interactions/{id}")
    InteractionView interaction(@PathVariable long id) {
        return jdbc.sql("SELECT * FROM interaction WHERE id = ?").param(id).query(InteractionView.class)
                .optional().orElseThrow(() -> new NotFoundException("interaction", id));
    }
}
