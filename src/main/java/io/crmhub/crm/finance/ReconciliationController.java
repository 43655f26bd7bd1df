package io.crmhub.crm.finance;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** CRM against ERP for finance: the report (JSON or CSV) and the resync action of each row. */
@Tag(name = "Finance")
@RestController
@RequestMapping("/api/finance/reconciliation")
class ReconciliationController {
    private final Reconciliation reconciliation;

    ReconciliationController(Reconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    @GetMapping
    @Operation(summary = "Compare CRM and ERP customers, orders and invoices created from..to (UTC dates, inclusive); ?format=csv for a file")
    ResponseEntity<?> report(@RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                             @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                             @RequestParam(defaultValue = "json") String format) {
        Reconciliation.Report report = reconciliation.run(from, to);
        if (!"csv".equalsIgnoreCase(format)) {
            return ResponseEntity.ok(report);
        }
        String csv = Stream.concat(Stream.of("entity,kind,crm_id,reference,external_id,crm_value,erp_value,resync_entity,resync_id,resync_reference"),
                report.mismatches().stream().map(m -> Stream.of(m.entity(), m.kind(), m.crmId(), m.reference(), m.externalId(), m.crmValue(),
                                m.erpValue(), m.resync() == null ? null : m.resync().entity(), m.resync() == null ? null : m.resync().id(),
                                m.resync() == null ? null : m.resync().reference())
                        .map(ReconciliationController::cell).collect(Collectors.joining(","))))
                .collect(Collectors.joining("\r\n", "", "\r\n"));
        return ResponseEntity.ok().contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                .header("Content-Disposition", "attachment; filename=\"reconciliation-" + from + "-" + to + ".csv\"").body(csv);
    }

    @PostMapping("/resync")
    @Operation(summary = "Re-queue what a report row names: {\"entity\":\"ORDER\",\"id\":12} (CUSTOMER, ORDER) or {\"entity\":\"INVOICE\"}")
    ResponseEntity<Map<String, String>> resync(@RequestBody @Valid ResyncRequest what) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("queued",
                reconciliation.resync(new Reconciliation.Resync(what.entity(), what.id(), what.reference()))));
    }

    /** What a report row's {@code resync} names: an entity by CRM id, or INVOICE (re-reads the ERP's invoices). */
    record ResyncRequest(@NotNull(message = "is required: CUSTOMER, ORDER, PAYMENT, REFUND or INVOICE")
                         @Pattern(regexp = "CUSTOMER|ORDER|PAYMENT|REFUND|INVOICE", message = "must be CUSTOMER, ORDER, PAYMENT, REFUND or INVOICE")
                         String entity,
                         @Positive Long id,
                         @Size(max = 64) String reference) {
        @AssertTrue(message = "is required for CUSTOMER, ORDER, PAYMENT and REFUND")
        boolean isId() {
            return id != null || entity == null || "INVOICE".equals(entity) || !entity.matches("CUSTOMER|ORDER|PAYMENT|REFUND");
        }
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break; a leading =,+,-,@ is defused for spreadsheets. */
    private static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !s.matches("-?[0-9.]+( [A-Z]{3})?")) {
            s = "'" + s;
        }
        return s.matches(".*[\",\r\n].*") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
