package io.crmhub.crm.finance;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Finance's view of ERP invoices: overdue ones, and polling the ERP now instead of at the next interval. */
@Tag(name = "Finance")
@RestController
@RequestMapping("/api/finance")
class InvoiceController {
    private final OverdueInvoices overdue;
    private final InvoiceIngest ingest;

    InvoiceController(OverdueInvoices overdue, InvoiceIngest ingest) {
        this.overdue = overdue;
        this.ingest = ingest;
    }

    @GetMapping("/overdue")
    @Operation(summary = "Open invoices past their due date and not fully paid, oldest due first")
    PageView<OverdueInvoices.OverdueInvoice> overdue(@Valid PageRequest page) {
        return overdue.page(page);
    }

    @PostMapping("/overdue/check")
    @Operation(summary = "Flag overdue invoices now (otherwise daily); publishes invoice.overdue for each newly flagged one")
    OverdueInvoices.Outcome checkOverdue() {
        return overdue.check();
    }

    @PostMapping("/invoices/poll")
    @Operation(summary = "Read new and changed invoices from the ERP now (otherwise every crmhub.invoices.poll-interval)")
    InvoiceIngest.Outcome poll() {
        return ingest.poll();
    }
}
