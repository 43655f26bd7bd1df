package io.crmhub.crm.finance;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Three-way reconciliation with the payment providers' statements (FINANCE, ENGINEER). */
@Tag(name = "Finance")
@RestController
@RequestMapping("/api/finance/statements")
@org.springframework.validation.annotation.Validated
class StatementController {
    static final MediaType XLSX = MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    private final StatementReconciliation reconciliation;

    StatementController(StatementReconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    record Run(@NotBlank(message = "is required, e.g. wechatpay") @Size(max = 32) String provider,
               @NotNull(message = "is required: a day, e.g. 2026-12-01") LocalDate date) {
    }

    @PostMapping("/reconcile")
    @Operation(summary = "Fetch a provider's statement of a day now, store it and reconcile it with the CRM and the ERP; "
            + "mismatches are opened as RECONCILIATION reviews")
    StatementReconciliation.Report reconcile(@RequestBody @Valid Run run) {
        try {
            return reconciliation.reconcile(run.provider(), run.date());
        } catch (io.crmhub.crm.canonical.PaymentStatementSource.StatementNotReadyException e) {
            // "later", not a server error; the daily run tries again by itself
            throw new io.crmhub.crm.common.NotReadyException(e.getMessage(), java.time.Duration.ofHours(1), e);
        }
    }

    @GetMapping("/reconciliation")
    @Operation(summary = "The reconciliation report of stored statements, per provider and day: count and sum on each side, fees, "
            + "net settlement, mismatches; ?format=csv or xlsx for a file")
    ResponseEntity<?> report(@RequestParam LocalDate from, @RequestParam LocalDate to,
                             @RequestParam(required = false) @Size(max = 32) String provider,
                             @RequestParam(required = false) @Pattern(regexp = "json|csv|xlsx", message = "must be json, csv or xlsx")
                             String format) {
        if (to.isBefore(from) || from.plusDays(31).isBefore(to)) {
            throw new io.crmhub.crm.common.InvalidFieldException("to", "must be on or after from, at most 31 days later");
        }
        List<StatementReconciliation.Report> reports = new ArrayList<>();
        for (String p : provider == null ? reconciliation.providers() : List.of(provider)) {
            for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
                reconciliation.stored(p, day).ifPresent(reports::add);
            }
        }
        String name = "reconciliation-" + from + "-" + to;
        if ("csv".equals(format)) {
            return ResponseEntity.ok().contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + ".csv\"")
                    .body(StatementReconciliation.csv(reports));
        }
        if ("xlsx".equals(format)) {
            return ResponseEntity.ok().contentType(XLSX)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + ".xlsx\"")
                    .body(ReconciliationWorkbook.write(reports));
        }
        return ResponseEntity.ok(reports);
    }
}
