package io.crmhub.crm.finance;

import io.crmhub.events.ClusterLease;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.CronTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Flags invoices past their due date with an open amount (D47: due date passed and open amount > 0, nothing else;
 * paid and open as {@link InvoiceSettlement} allocated the order's payments, or as the ERP cleared them) and
 * publishes {@code invoice.overdue} once per invoice, for notifications. Runs daily ({@code crmhub.invoices.overdue-cron}, one instance by lease) and on demand. An invoice
 * that gets paid or cancelled loses the flag.
 */
@Component
public class OverdueInvoices implements SchedulingConfigurer {
    private static final Logger log = LoggerFactory.getLogger(OverdueInvoices.class);

    private final JdbcClient jdbc;
    private final ClusterLease lease;
    private final Clock clock;
    private final ZoneId zone;
    private final String cron;

    private final InvoiceSettlement settlement;

    OverdueInvoices(JdbcClient jdbc, ClusterLease lease, Clock clock,
                    InvoiceProperties properties, InvoiceSettlement settlement) {
        this.settlement = settlement;
        this.jdbc = jdbc;
        this.lease = lease;
        this.clock = clock;
        this.zone = properties.zone();
        this.cron = properties.overdueCron();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addCronTask(new CronTask(this::daily, new CronTrigger(cron, zone)));
    }

    public record Outcome(LocalDate asOf, int flagged, int cleared) {
    }

    public record OverdueInvoice(long id, String invoiceNumber, Long orderId, long customerId, String currency,
                                 BigDecimal totalAmount, BigDecimal paidAmount, BigDecimal outstanding, LocalDate dueDate,
                                 long daysOverdue) {
    }

    void daily() {
        if (lease.acquireOrRenew("invoice-overdue-check", Duration.ofMinutes(30))) {
            check();
        }
    }

    /** Still to pay: not cancelled, not fully paid. */
    private static final String OPEN = "i.document_kind = 'INVOICE' AND i.status IN ('OPEN', 'PARTIALLY_PAID') "
            + "AND i.paid_amount + i.credited_amount < i.total_amount";

    @Transactional
    public Outcome check() {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        // invoices read before settlement existed (V15) and paid before it: settled here, a bounded batch a day
        jdbc.sql("""
                SELECT DISTINCT i.order_id FROM invoice i JOIN payment p ON p.order_id = i.order_id
                WHERE i.document_kind = 'INVOICE' AND i.status = 'OPEN' AND i.paid_amount = 0 AND p.provider_txn_id IS NOT NULL
                  AND p.status IN ('SUCCEEDED', 'REFUNDED', 'NEEDS_REVIEW') AND p.currency = i.currency
                  AND NOT EXISTS (SELECT 1 FROM payment_allocation a WHERE a.invoice_id = i.id)
                FETCH FIRST 500 ROWS ONLY""").query(Long.class).list().forEach(settlement::settleOrder);
        // settle the candidates' orders first: a flag is never raised on an allocation that is not up to date
        jdbc.sql("SELECT DISTINCT i.order_id FROM invoice i WHERE i.order_id IS NOT NULL AND i.overdue = FALSE AND i.due_date < ? AND " + OPEN)
                .param(Date.valueOf(today)).query(Long.class).list().forEach(settlement::settleOrder);
        List<Long> due = jdbc.sql("SELECT i.id FROM invoice i WHERE i.overdue = FALSE AND i.due_date < ? AND " + OPEN)
                .param(Date.valueOf(today)).query(Long.class).list();
        Timestamp now = Timestamp.from(clock.instant());
        for (long id : due) {
            jdbc.sql("UPDATE invoice SET overdue = TRUE, version = version + 1, updated_at = ? WHERE id = ?").params(now, id).update();
        }
        int cleared = jdbc.sql("""
                UPDATE invoice SET overdue = FALSE, updated_at = ?
                WHERE overdue = TRUE AND (status NOT IN ('OPEN', 'PARTIALLY_PAID') OR paid_amount + credited_amount >= total_amount
                                          OR document_kind <> 'INVOICE')""")
                .param(now).update();
        if (!due.isEmpty() || cleared > 0) {
            log.info("Overdue invoices as of {}: {} newly flagged, {} no longer overdue", today, due.size(), cleared);
        }
        return new Outcome(today, due.size(), cleared);
    }

    /** Flagged invoices, oldest due first. */
    public io.crmhub.crm.common.PageView<OverdueInvoice> page(io.crmhub.crm.common.PageRequest page) {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        List<OverdueInvoice> items = jdbc.sql("SELECT id FROM invoice WHERE overdue = TRUE ORDER BY due_date, id LIMIT ? OFFSET ?")
                .params(page.sizeOrDefault(), page.offset()).query(Long.class).list()
                .stream().map(id -> find(id, today)).toList();
        long total = jdbc.sql("SELECT COUNT(*) FROM invoice WHERE overdue = TRUE").query(Long.class).single();
        return new io.crmhub.crm.common.PageView<>(items, page.pageOrDefault(), page.sizeOrDefault(), total);
    }

    private OverdueInvoice find(long id, LocalDate today) {
        return jdbc.sql("""
                SELECT i.id, i.invoice_number, i.order_id, i.customer_id, i.currency, i.total_amount, i.paid_amount + i.credited_amount, i.due_date
                FROM invoice i WHERE i.id = ?""")
                .param(id)
                .query((rs, n) -> {
                    String currency = rs.getString(5).trim();
                    BigDecimal total = rs.getBigDecimal(6);
                    BigDecimal paid = rs.getBigDecimal(7);
                    LocalDate dueDate = rs.getDate(8).toLocalDate();
                    return new OverdueInvoice(rs.getLong(1), rs.getString(2), (Long) rs.getObject(3, Long.class), rs.getLong(4), currency,
                            io.crmhub.crm.common.Money.round(total, currency), io.crmhub.crm.common.Money.round(paid, currency),
                            io.crmhub.crm.common.Money.round(total.subtract(paid), currency), dueDate,
                            Math.max(0, java.time.temporal.ChronoUnit.DAYS.between(dueDate, today)));
                })
                .single();
    }
}
