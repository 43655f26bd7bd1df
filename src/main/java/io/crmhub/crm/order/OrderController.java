package io.crmhub.crm.order;

import io.crmhub.crm.common.DataScope;
import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Orders")
@Validated
@RestController
@RequestMapping("/api/orders")
class OrderController {
    private final OrderService service;
    private final OrderTimeline timeline;

    OrderController(OrderService service, OrderTimeline timeline) {
        this.service = service;
        this.timeline = timeline;
    }

    /** Every external event of the order in time order: ERP order, payments, refunds. Readable by every role, in its data scope. */
    @Operation(summary = "What happened to an order outside the CRM, in time order: ERP order, payments, refunds, invoices, ERP status")
    @GetMapping("/{id}/timeline")
    java.util.Map<String, Object> timeline(@PathVariable long id, DataScope scope) {
        return java.util.Map.of("orderId", id, "events", timeline.of(id, scope));
    }

    @Operation(summary = "Create an order with its lines; totals are computed to the currency's minor unit")
    @PostMapping
    ResponseEntity<OrderView> create(@Valid @RequestBody OrderRequest request, DataScope scope) {
        OrderView created = service.create(request, scope);
        return ResponseEntity.created(URI.create("/api/orders/" + created.id())).body(created);
    }

    @Operation(summary = "Replace an order (DRAFT → CONFIRMED → CANCELLED only); a confirmed order goes to the ERP")
    @PutMapping("/{id}")
    OrderView update(@PathVariable long id, @Valid @RequestBody OrderRequest request, DataScope scope) {
        return service.update(id, request, scope);
    }

    @Operation(summary = "One order with its lines and links to external systems")
    @GetMapping("/{id}")
    OrderView get(@PathVariable long id, DataScope scope) {
        return service.get(id, scope);
    }

    @Operation(summary = "Orders, one page at a time, optionally of one customer (a SALES user: their own and their teams')")
    @GetMapping
    PageView<OrderView> list(@RequestParam(required = false) @Positive Long customerId, @Valid PageRequest page, DataScope scope) {
        return service.list(customerId, page, scope);
    }
}
