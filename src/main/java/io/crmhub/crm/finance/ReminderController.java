package io.crmhub.crm.finance;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Finance's reminders: what was told on which channel, and telling now instead of at the next schedule. */
@Tag(name = "Finance")
@RestController
@RequestMapping("/api/finance/reminders")
class ReminderController {
    private final FinanceReminders reminders;

    ReminderController(FinanceReminders reminders) {
        this.reminders = reminders;
    }

    @GetMapping
    @Operation(summary = "The last 100 reminders: channel, digest or alert, what about, sent or why not")
    List<Map<String, Object>> recent() {
        return reminders.recent(100);
    }

    @PostMapping("/digest")
    @Operation(summary = "Send today's digest of overdue invoices and open reviews now, on each channel that has not had it today")
    FinanceReminders.Outcome digest() {
        return reminders.digest();
    }

    @PostMapping("/alerts")
    @Operation(summary = "Alert now of overdue invoices and reviews at or above crmhub.reminders.alert-above not yet told")
    FinanceReminders.Outcome alerts() {
        return reminders.alerts();
    }
}
