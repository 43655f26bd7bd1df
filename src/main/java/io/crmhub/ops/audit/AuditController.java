package io.crmhub.ops.audit;

import io.crmhub.crm.common.PageRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.validation.annotation.Validated;
import java.time.Instant;
import io.crmhub.crm.common.PageView;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Reading the audit log (ENGINEER role): newest first, filtered by target, action and time; verifying its hash chain. */
@Validated
@RestController
@RequestMapping("/api/ops/audit")
@Tag(name = "Operations: audit log")
class AuditController {
    private final AuditLog audit;
    private final AuditChainCheck check;

    AuditController(AuditLog audit, AuditChainCheck check) {
        this.audit = audit;
        this.check = check;
    }

    @GetMapping
    @Operation(summary = "Audit entries, newest first (targetType e.g. parked_message, targetId, action, from/to ISO instants)")
    PageView<AuditLog.Entry> list(@RequestParam(required = false) String targetType, @RequestParam(required = false) String targetId,
                              @RequestParam(required = false) String action,
                              @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                              @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                              @Valid PageRequest page) {
        return audit.page(targetType, targetId, action, from, to, page);
    }

    @GetMapping("/verify")
    @Operation(summary = "Verify the audit log's hash chain from the purge anchor to the head: valid, or the first broken link "
            + "(edited, deleted or inserted entry, last entries deleted); a broken chain is logged and recorded")
    ChainVerification verify() {
        return check.verify();
    }
}
