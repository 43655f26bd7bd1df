package io.crmhub.crm.finance;

import io.crmhub.crm.common.DataScope;
import io.crmhub.crm.common.NotFoundException;
import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read endpoints for payments and invoices, in the caller's data scope: a payment by its order, an invoice by its customer. */
@Tag(name = "Finance")
@Validated
@RestController
@RequestMapping("/api")
class FinanceController {
    private final JdbcClient jdbc;

    FinanceController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Payments, optionally of one order or in one status ({@code NEEDS_REVIEW}: what finance must look at). */
    @Operation(summary = "Payments, one page at a time, optionally of one order or in one status (NEEDS_REVIEW: for finance to look at)")
    @GetMapping("/payments")
    PageView<FinanceViews.PaymentView> payments(@RequestParam(required = false) @Pattern(regexp = "[A-Z_]{1,16}",
            message = "must be a payment status such as SUCCEEDED or NEEDS_REVIEW") String status,
                                                @RequestParam(required = false) Long orderId, @Valid PageRequest page,
                                                DataScope scope) {
        String where = " WHERE (CAST(? AS VARCHAR(16)) IS NULL OR status = ?) AND (CAST(? AS BIGINT) IS NULL OR order_id = ?)"
                + scope.filterVia("order_id", "sales_order");
        List<Object> params = Arrays.asList(status, status, orderId, orderId);
        return new PageView<>(jdbc.sql("SELECT " + FinanceViews.PaymentView.COLUMNS + " FROM payment" + where + " ORDER BY id LIMIT ? OFFSET ?")
                .params(scope.params(params, page.sizeOrDefault(), page.offset()))
                .query(FinanceViews.PaymentView.ROW).list(),
                page.pageOrDefault(), page.sizeOrDefault(),
                jdbc.sql("SELECT COUNT(*) FROM payment" + where).params(scope.params(params)).query(Long.class).single());
    }

    @Operation(summary = "One payment")
    @GetMapping("/payments/{id}")
    FinanceViews.PaymentView payment(@PathVariable long id, DataScope scope) {
        return jdbc.sql("SELECT " + FinanceViews.PaymentView.COLUMNS + " FROM payment WHERE id = ?" + scope.filterVia("order_id", "sales_order"))
                .params(scope.params(List.of(id))).query(FinanceViews.PaymentView.ROW)
                .optional().orElseThrow(() -> new NotFoundException("payment", id));
    }

    @Operation(summary = "ERP invoices read by the hub, with net, tax, paid and open amounts, one page at a time")
    @GetMapping("/invoices")
    PageView<FinanceViews.InvoiceView> invoices(@RequestParam(required = false) @Pattern(regexp = "OPEN|PARTIALLY_PAID|PAID|CREDITED|CANCELLED",
            message = "must be OPEN, PARTIALLY_PAID, PAID, CREDITED or CANCELLED") String status,
                                                @RequestParam(required = false) Long orderId, @Valid PageRequest page,
                                                DataScope scope) {
        String where = " WHERE (CAST(? AS VARCHAR(16)) IS NULL OR status = ?) AND (CAST(? AS BIGINT) IS NULL OR order_id = ?)"
                + scope.filterVia("customer_id", "customer");
        List<Object> params = Arrays.asList(status, status, orderId, orderId);
        return new PageView<>(jdbc.sql("SELECT " + FinanceViews.InvoiceView.COLUMNS + " FROM invoice" + where + " ORDER BY id LIMIT ? OFFSET ?")
                .params(scope.params(params, page.sizeOrDefault(), page.offset())).query(FinanceViews.InvoiceView.ROW).list()
                .stream().map(i -> i.withDetails(jdbc)).toList(),
                page.pageOrDefault(), page.sizeOrDefault(),
                jdbc.sql("SELECT COUNT(*) FROM invoice" + where).params(scope.params(params)).query(Long.class).single());
    }

    @Operation(summary = "One ERP invoice")
    @GetMapping("/invoices/{id}")
    FinanceViews.InvoiceView invoice(@PathVariable long id, DataScope scope) {
        return jdbc.sql("SELECT " + FinanceViews.InvoiceView.COLUMNS + " FROM invoice WHERE id = ?" + scope.filterVia("customer_id", "customer"))
                .params(scope.params(List.of(id))).query(FinanceViews.InvoiceView.ROW)
                .optional().orElseThrow(() -> new NotFoundException("invoice", id)).withDetails(jdbc);
    }
}
