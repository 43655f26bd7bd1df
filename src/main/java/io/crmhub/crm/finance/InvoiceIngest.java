package io.crmhub.crm.finance;

import io.crmhub.crm.canonical.ErpInvoiceSource;
import io.crmhub.crm.canonical.ErpInvoiceSource.ErpInvoice;
import io.crmhub.events.OutboxWriter;
import io.crmhub.routing.ClusterLease;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * ERP invoices → CRM invoices, incrementally by the ERP's change timestamp. One page per transaction: the watermark
 * row is locked, the page fetched from {@code watermark} on, each invoice upserted by number (with an
 * {@code invoice.issued}/{@code invoice.changed} event), and the watermark advanced to the last change read — all
 * committed together, so a crash re-reads at most the page it was on, and two instances (whatever their leases say)
 * never store the same window twice: the second waits on the row and then starts where the first stopped.
 * Scheduled every {@code crmhub.invoices.poll-interval} on the instance holding the {@code erp-invoice-poll} lease.
 */
@Component
public class InvoiceIngest {
    public static final String AGGREGATE = "invoice";
    private static final Logger log = LoggerFactory.getLogger(InvoiceIngest.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final OutboxWriter outbox;
    private final ClusterLease lease;
    private final Clock clock;
    private final Optional<ErpInvoiceSource> source;
    private final int pageSize;
    private final Duration pollInterval;

    InvoiceIngest(JdbcClient jdbc, TransactionTemplate tx, OutboxWriter outbox, ClusterLease lease, Clock clock,
                  Optional<ErpInvoiceSource> source, @Value("${crmhub.invoices.page-size:500}") int pageSize,
                  @Value("${crmhub.invoices.poll-interval:30s}") Duration pollInterval) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.lease = lease;
        this.clock = clock;
        this.source = source;
        this.pageSize = pageSize;
        this.pollInterval = pollInterval;
    }

    /** @param pages pages read; {@code invoices} stored; {@code unmatched} stored without a CRM order or customer */
    public record Outcome(int pages, int invoices, int unmatched, Instant watermark) {
    }

    @Scheduled(fixedDelayString = "${crmhub.invoices.poll-interval:30s}", initialDelayString = "${crmhub.invoices.initial-delay:10s}")
    void scheduled() {
        if (source.isPresent() && lease.acquireOrRenew("erp-invoice-poll", pollInterval.multipliedBy(3))) {
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
        String name = "erp-invoices:" + erp.system();
        int pages = 0;
        int stored = 0;
        int unmatched = 0;
        Instant watermark = null;
        while (pages < 100) {
            PageResult page = tx.execute(status -> page(erp, name));
            pages++;
            stored += page.stored();
            unmatched += page.unmatched();
            watermark = page.watermark();
            if (!page.more()) {
                break;
            }
        }
        return new Outcome(pages, stored, unmatched, watermark);
    }

    private record PageResult(int stored, int unmatched, Instant watermark, boolean more) {
    }

    private PageResult page(ErpInvoiceSource erp, String name) {
        Instant from = lockWatermark(name);
        List<ErpInvoice> invoices = erp.changedSince(from, pageSize);
        int unmatched = 0;
        int changed = 0;
        Instant last = from;
        for (ErpInvoice invoice : invoices) {
            Upsert result = upsert(erp.system(), invoice);
            unmatched += result.matched() ? 0 : 1;
            changed += result.changed() ? 1 : 0;
            if (invoice.changedAt().isAfter(last)) {
                last = invoice.changedAt();
            }
        }
        jdbc.sql("UPDATE poll_watermark SET watermark = ?, updated_at = ? WHERE name = ?")
                .params(Timestamp.from(last), Timestamp.from(clock.instant()), name).update();
        if (!invoices.isEmpty()) {
            log.info("ERP invoices from {}: {} read from {}, {} new or changed, {} without a CRM order; watermark now {}",
                    erp.system(), invoices.size(), from, changed, unmatched, last);
        }
        // a full page that did not move the watermark would be read again forever: stop and say so
        boolean stuck = invoices.size() >= pageSize && !last.isAfter(from);
        if (stuck) {
            log.warn("More than {} ERP invoices changed at {}; raise crmhub.invoices.page-size", pageSize, from);
        }
        return new PageResult(changed, unmatched, last, invoices.size() >= pageSize && !stuck);
    }

    private Instant lockWatermark(String name) {
        Optional<Timestamp> current = jdbc.sql("SELECT watermark FROM poll_watermark WHERE name = ? FOR UPDATE").param(name)
                .query(Timestamp.class).optional();
        if (current.isPresent()) {
            return current.get().toInstant();
        }
        try {
            jdbc.sql("INSERT INTO poll_watermark (name, watermark, updated_at) VALUES (?, ?, ?)")
                    .params(name, Timestamp.from(Instant.EPOCH), Timestamp.from(clock.instant())).update();
        } catch (org.springframework.dao.DuplicateKeyException raced) {
            // another instance created it at the same moment
        }
        return jdbc.sql("SELECT watermark FROM poll_watermark WHERE name = ? FOR UPDATE").param(name)
                .query(Timestamp.class).single().toInstant();
    }

    private record Upsert(boolean matched, boolean changed) {
    }

    private Upsert upsert(String system, ErpInvoice i) {
        Optional<Long> orderId = i.salesOrder() == null ? Optional.empty() : jdbc.sql(
                        "SELECT entity_id FROM external_link WHERE entity_type = 'ORDER' AND system = ? AND external_id = ?")
                .params(system, i.salesOrder()).query(Long.class).optional();
        Optional<Long> customerId = orderId.isPresent()
                ? jdbc.sql("SELECT customer_id FROM sales_order WHERE id = ?").param(orderId.get()).query(Long.class).optional()
                : jdbc.sql("SELECT entity_id FROM external_link WHERE entity_type = 'CUSTOMER' AND system = ? AND external_id = ?")
                        .params(system, i.soldTo()).query(Long.class).optional();
        if (customerId.isEmpty()) {
            log.warn("ERP invoice {} ({} {}) is for {} customer {}, unknown to the CRM; not stored", i.number(), i.totalAmount(),
                    i.currency(), system, i.soldTo());
            return new Upsert(false, false);
        }
        Timestamp now = Timestamp.from(clock.instant());
        record Existing(long id, long version, Timestamp changedAt) {
        }
        Optional<Existing> existing = jdbc.sql("SELECT id, version, erp_changed_at FROM invoice WHERE invoice_number = ? FOR UPDATE")
                .param(i.number()).query((rs, n) -> new Existing(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3))).optional();
        if (existing.isPresent() && existing.get().changedAt() != null && !i.changedAt().isAfter(existing.get().changedAt().toInstant())) {
            return new Upsert(true, false); // this change is already stored (a re-read page)
        }
        long id;
        long version;
        if (existing.isEmpty()) {
            jdbc.sql("""
                    INSERT INTO invoice (invoice_number, order_id, customer_id, status, currency, total_amount, paid_amount, issue_date,
                                         due_date, overdue, version, created_at, updated_at, erp_system, erp_changed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, 1, ?, ?, ?, ?)""")
                    .params(i.number(), orderId.orElse(null), customerId.get(), i.status(), i.currency(), i.totalAmount(), i.paidAmount(),
                            Date.valueOf(i.issueDate()), Date.valueOf(i.dueDate()), now, now, system, Timestamp.from(i.changedAt()))
                    .update();
            id = jdbc.sql("SELECT id FROM invoice WHERE invoice_number = ?").param(i.number()).query(Long.class).single();
            version = 1;
        } else {
            id = existing.get().id();
            version = existing.get().version() + 1;
            jdbc.sql("""
                    UPDATE invoice SET status = ?, currency = ?, total_amount = ?, paid_amount = ?, issue_date = ?, due_date = ?,
                           overdue = CASE WHEN ? = 'OPEN' THEN overdue ELSE FALSE END, version = ?, updated_at = ?, erp_changed_at = ?
                    WHERE id = ?""")
                    .params(i.status(), i.currency(), i.totalAmount(), i.paidAmount(), Date.valueOf(i.issueDate()),
                            Date.valueOf(i.dueDate()), i.status(), version, now, Timestamp.from(i.changedAt()), id)
                    .update();
        }
        outbox.append(AGGREGATE, id, version, existing.isEmpty() ? "issued" : "changed", Map.of("invoiceId", id,
                "invoiceNumber", i.number(), "orderId", orderId.map(Object.class::cast).orElse(""), "customerId", customerId.get(),
                "status", i.status(), "currency", i.currency(), "totalAmount", i.totalAmount(), "paidAmount", i.paidAmount(),
                "dueDate", i.dueDate().toString()));
        return new Upsert(orderId.isPresent(), true);
    }
}
