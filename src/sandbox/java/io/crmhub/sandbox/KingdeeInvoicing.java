package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Kingdee's finance, on a timer: a receivable for each new sales order a while after it is saved. The orders still to
 * be invoiced are kept with the records, so a restarted sandbox still issues them when they fall due.
 */
final class KingdeeInvoicing {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kingdee-sandbox-invoicing");
        t.setDaemon(true);
        return t;
    });
    /** Sales orders finance will issue a receivable for, with when (epoch ms). */
    private final Map<String, Long> due = new ConcurrentHashMap<>();
    private final SandboxStore store;
    private final Consumer<String> issue;
    private volatile Duration after;

    /** {@code issue} issues the receivable of a sales order (by its bill number). */
    KingdeeInvoicing(SandboxStore store, Consumer<String> issue) {
        this.store = store;
        this.issue = issue;
    }

    /** This long after a sales order is saved; null: never. Orders already due get theirs (at once if overdue). */
    void invoiceAfter(Duration delay) {
        this.after = delay;
        if (delay != null) {
            due.forEach(this::schedule);
        }
    }

    /** A new sales order: finance invoices it later, if it invoices at all. */
    void orderSaved(String salesOrderBillNo) {
        Duration delay = after;
        if (delay != null) {
            long at = System.currentTimeMillis() + delay.toMillis();
            due.put(salesOrderBillNo, at);
            schedule(salesOrderBillNo, at);
        }
    }

    private void schedule(String salesOrderBillNo, long dueAtMillis) {
        long wait = Math.max(0, dueAtMillis - System.currentTimeMillis());
        timer.schedule(() -> store.change(() -> {
            if (due.remove(salesOrderBillNo) != null) {
                issue.accept(salesOrderBillNo);
            }
        }), wait, TimeUnit.MILLISECONDS);
    }

    void clear() {
        due.clear();
    }

    void writeTo(ObjectNode state) {
        ObjectNode dueAt = state.putObject("invoiceDue");
        due.forEach(dueAt::put);
    }

    void readFrom(JsonNode state) {
        state.path("invoiceDue").fields().forEachRemaining(e -> due.put(e.getKey(), e.getValue().asLong()));
    }
}
