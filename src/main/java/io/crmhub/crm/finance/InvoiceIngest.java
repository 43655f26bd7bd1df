package io.crmhub.crm.finance;

import io.crmhub.crm.canonical.ErpInvoiceSource;
import io.crmhub.crm.canonical.ErpInvoiceSource.ErpInvoice;
import io.crmhub.events.ClusterLease;
import io.crmhub.routing.WatermarkPoller;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.crmhub.routing.ErpProperties;
import io.crmhub.routing.ParkedMessages;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * ERP invoices → CRM invoices, incrementally by the ERP's change timestamp through {@link WatermarkPoller} (one page
 * per transaction with the watermark row locked, so a crash re-reads at most a page and two instances never store the
 * same window twice): each invoice upserted by number with its net, tax and lines as the ERP states them, then its
 * order settled ({@link InvoiceSettlement}: the order's payments allocated to its invoices) in the same transaction.
 * Scheduled every {@code crmhub.invoices.poll-interval} on the instance holding the {@code erp-invoice-poll} lease.
 */
@Component
public class InvoiceIngest implements SchedulingConfigurer {
    public static final String AGGREGATE = "invoice";
    static final String WATERMARK = "erp-invoices:";
    private static final Logger log = LoggerFactory.getLogger(InvoiceIngest.class);

    /** The "flow" name parked invoices and the failures view go by. */
    public static final String FLOW = "erp-to-crm.invoice-ingest";

    private final JdbcClient jdbc;
    private final WatermarkPoller poller;
    private final ClusterLease lease;
    private final Clock clock;
    private final ParkedMessages parked;
    private final Optional<ErpInvoiceSource> source;
    private final InvoiceProperties properties;
    private final Duration settle;
    private final InvoiceSettlement settlement;

    InvoiceIngest(JdbcClient jdbc, WatermarkPoller poller, ClusterLease lease, Clock clock,
                  ParkedMessages parked, Optional<ErpInvoiceSource> source, InvoiceProperties properties, ErpProperties erp,
                  InvoiceSettlement settlement) {
        this.settlement = settlement;
        this.jdbc = jdbc;
        this.poller = poller;
        this.lease = lease;
        this.clock = clock;
        this.parked = parked;
        this.source = source;
        this.properties = properties;
        this.settle = erp.pollSettle();
        // registered last: the poller may call it from another thread as soon as it knows it
        source.ifPresent(s -> poller.pollOnRewind(WATERMARK, this::poll));
    }

    /**
     * @param pages pages read; {@code invoices} new or changed ones stored; {@code parked} not taken over (customer not
     *              in the CRM, unmapped code): parked for an engineer, see {@code /api/ops/failures?flow=erp-to-crm.invoice-ingest}
     */
    public record Outcome(int pages, int invoices, int parked, Instant watermark) {
    }

    /** Every {@code crmhub.invoices.poll-interval}, the first {@code crmhub.invoices.initial-delay} after start. */
    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::scheduled, properties.pollInterval(), properties.initialDelay()));
    }

    void scheduled() {
        if (source.isPresent() && lease.acquireOrRenew("erp-invoice-poll", properties.pollInterval().multipliedBy(3))) {
            try {
                poll();
            } catch (RuntimeException e) {
                log.warn("ERP invoice poll failed; the next poll starts again from the stored watermark: {}", e.getMessage());
            }
        }
    }

    /** Reads pages until the ERP has nothing newer (at most 100 pages per call). */
    public Outcome poll() {
        ErpInvoiceSource erp = source.orElseThrow(() -> new IllegalStateException("no ERP invoice source is configured"));
        String watermark = WATERMARK + erp.system();
        int pageSize = properties.pageSize();
        WatermarkPoller.Outcome o = poller.poll(watermark, pageSize, settle, (since, until) -> erp.changedBetween(since, until, pageSize),
                ErpInvoice::changedAt, invoice -> {
                    String key = AGGREGATE + ":" + invoice.number();
                    if (invoice.unmapped() != null) {
                        parked.parkPolled(FLOW, watermark, key, invoice.changedAt(), invoice.unmapped(), invoice);
                        return WatermarkPoller.Stored.SKIPPED;
                    }
                    Upsert result = upsert(erp.system(), invoice);
                    if (result.unknownCustomer()) {
                        parked.parkPolled(FLOW, watermark, key, invoice.changedAt(), "ERP invoice " + invoice.number() + " is for "
                                + erp.system() + " customer " + invoice.soldTo() + " (sales order " + invoice.salesOrder()
                                + "), unknown to the CRM; replay once the customer is linked", invoice);
                        return WatermarkPoller.Stored.SKIPPED;
                    }
                    parked.resolvePolled(FLOW, key, "stored from " + erp.system());
                    return result.changed() ? WatermarkPoller.Stored.CHANGED : WatermarkPoller.Stored.UNCHANGED;
                });
        return new Outcome(o.pages(), o.changed(), o.skipped(), o.watermark());
    }

    /** Reads the ERP's invoices again from {@code from} on (a resync): what is missing is stored, the rest is unchanged. */
    public int rewind(Instant from) {
        return poller.rewind(WATERMARK, from);
    }

    private record Upsert(boolean matched, boolean changed, boolean unknownCustomer) {
    }

    private Upsert upsert(String system, ErpInvoice i) {
        Optional<Long> orderId = i.salesOrder() == null ? Optional.empty() : jdbc.sql(
                        "SELECT entity_id FROM external_link WHERE entity_type = 'ORDER' AND system = ? AND external_id = ?")
                .params(system, i.salesOrder()).query(Long.class).optional();
        if (orderId.isEmpty() && i.creditFor() != null) { // a credit memo is the order's through the invoice it credits
            orderId = jdbc.sql("SELECT order_id FROM invoice WHERE invoice_number = ? AND order_id IS NOT NULL")
                    .param(i.creditFor()).query(Long.class).optional();
        }
        Optional<Long> customerId = orderId.isPresent()
                ? jdbc.sql("SELECT customer_id FROM sales_order WHERE id = ?").param(orderId.get()).query(Long.class).optional()
                : jdbc.sql("SELECT entity_id FROM external_link WHERE entity_type = 'CUSTOMER' AND system = ? AND external_id = ?")
                        .params(system, i.soldTo()).query(Long.class).optional();
        if (customerId.isEmpty()) {
            return new Upsert(false, false, true);
        }
        Timestamp now = Timestamp.from(clock.instant());
        // the order first, then its invoice: the lock order of every writer of an order's payments and invoices
        orderId.ifPresent(settlement::lockOrder);
        record Existing(long id, long version, Timestamp changedAt) {
        }
        Optional<Existing> existing = jdbc.sql("SELECT id, version, erp_changed_at FROM invoice WHERE invoice_number = ? FOR UPDATE")
                .param(i.number()).query((rs, n) -> new Existing(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3))).optional();
        if (existing.isPresent() && existing.get().changedAt() != null && !i.changedAt().isAfter(existing.get().changedAt().toInstant())) {
            return new Upsert(true, false, false); // this change is already stored (a re-read page)
        }
        long id;
        if (existing.isEmpty()) {
            org.springframework.jdbc.support.GeneratedKeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
            jdbc.sql("""
                    INSERT INTO invoice (invoice_number, order_id, customer_id, status, currency, total_amount, paid_amount, issue_date,
                                         due_date, overdue, version, created_at, updated_at, erp_system, erp_changed_at,
                                         net_amount, tax_amount, erp_cleared_amount, document_kind, credit_for)
                    VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, FALSE, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(i.number(), orderId.orElse(null), customerId.get(), i.status(), i.currency(), i.totalAmount(),
                            Date.valueOf(i.issueDate()), Date.valueOf(i.dueDate()), now, now, system, Timestamp.from(i.changedAt()),
                            i.netAmount(), i.taxAmount(), i.clearedAmount(), i.creditNote() ? InvoiceSettlement.CREDIT_NOTE : "INVOICE",
                            i.creditFor())
                    .update(keys, "id");
            id = keys.getKey().longValue();
        } else {
            id = existing.get().id();
            long version = existing.get().version() + 1;
            // the status the ERP states (OPEN or CANCELLED); paid and partly paid are the settlement's, below
            jdbc.sql("""
                    UPDATE invoice SET status = CASE WHEN ? = 'CANCELLED' THEN 'CANCELLED' WHEN status = 'CANCELLED' THEN 'OPEN' ELSE status END,
                           currency = ?, total_amount = ?, issue_date = ?, due_date = ?, net_amount = ?, tax_amount = ?,
                           erp_cleared_amount = ?, overdue = CASE WHEN ? = 'CANCELLED' THEN FALSE ELSE overdue END, version = ?,
                           updated_at = ?, erp_changed_at = ?
                    WHERE id = ?""")
                    .params(i.status(), i.currency(), i.totalAmount(), Date.valueOf(i.issueDate()), Date.valueOf(i.dueDate()),
                            i.netAmount(), i.taxAmount(), i.clearedAmount(), i.status(), version, now, Timestamp.from(i.changedAt()), id)
                    .update();
            jdbc.sql("DELETE FROM invoice_line WHERE invoice_id = ?").param(id).update();
        }
        int no = 1;
        for (ErpInvoiceSource.Line line : i.lines()) {
            jdbc.sql("""
                    INSERT INTO invoice_line (invoice_id, line_no, sales_order_item, tax_rate, net_amount, tax_amount, gross_amount)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""")
                    .params(id, no++, line.item(), line.taxRate(), line.netAmount(), line.taxAmount(), line.grossAmount()).update();
        }
        orderId.ifPresent(settlement::settleOrder);
        return new Upsert(orderId.isPresent(), true, false);
    }
}
