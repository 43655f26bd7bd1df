package io.crmhub.crm.finance;

import io.crmhub.crm.common.Money;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Settles an order's invoices with its payments (D47): each received payment, less what was refunded, pays the
 * order's invoices oldest first (issue date, then number), oldest payment first; an invoice whose clearing the ERP
 * states is paid by that much. Each invoice then has a paid and an open amount and a status: {@code OPEN} (nothing
 * paid), {@code PARTIALLY_PAID}, {@code PAID}; {@code CANCELLED} ones (voided in the ERP) take nothing. The allocation is
 * recomputed from the payments and invoices whenever one of them changes, so a payment made before its invoice exists
 * is allocated when the invoice arrives, and a refund re-opens what it takes back. A payment in another currency than
 * the invoice's pays nothing (it is in finance's review). What finance kept as the customer's credit or moved to
 * another order counts there, not here (D48). What no invoice takes stays unallocated: the order's over-payment, or
 * money waiting for an invoice.
 */
@Component
public class InvoiceSettlement {
    public static final String OPEN = "OPEN";
    public static final String PARTIALLY_PAID = "PARTIALLY_PAID";
    public static final String PAID = "PAID";
    public static final String CANCELLED = "CANCELLED";
    private static final Logger log = LoggerFactory.getLogger(InvoiceSettlement.class);

    private final JdbcClient jdbc;
    private final Clock clock;

    InvoiceSettlement(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    private record Invoice(long id, String number, String currency, BigDecimal total, BigDecimal paid, String status,
                           BigDecimal erpCleared) {
    }

    private static final class Payment {
        final long id;
        final String currency;
        BigDecimal left;

        Payment(long id, String currency, BigDecimal left) {
            this.id = id;
            this.currency = currency;
            this.left = left;
        }
    }

    /**
     * Recomputes the allocation of one order, in the caller's transaction (the order row is locked first, then its
     * invoices, as every writer of payments and invoices does, so two settlements of one order never interleave).
     *
     * @return the invoices whose paid amount or status changed
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public int settleOrder(long orderId) {
        if (jdbc.sql("SELECT id FROM sales_order WHERE id = ? FOR UPDATE").param(orderId).query(Long.class).optional().isEmpty()) {
            return 0;
        }
        List<Invoice> invoices = jdbc.sql("""
                SELECT id, invoice_number, currency, total_amount, paid_amount, status, erp_cleared_amount FROM invoice
                WHERE order_id = ? ORDER BY issue_date, invoice_number FOR UPDATE""")
                .param(orderId)
                .query((rs, n) -> new Invoice(rs.getLong(1), rs.getString(2), rs.getString(3).trim(), rs.getBigDecimal(4),
                        rs.getBigDecimal(5), rs.getString(6), rs.getBigDecimal(7)))
                .list();
        if (invoices.isEmpty()) {
            return 0;
        }
        // money that arrived: succeeded (or held for review) payments, less refunds and what finance kept as the
        // customer's credit or moved to another order, oldest first; then what finance moved here from another order
        List<Payment> payments = new ArrayList<>(jdbc.sql("""
                SELECT p.id, p.currency, p.amount - p.refunded_amount
                         - COALESCE((SELECT SUM(c.amount) FROM customer_credit c WHERE c.payment_id = p.id), 0)
                         - COALESCE((SELECT SUM(t.amount) FROM payment_transfer t WHERE t.payment_id = p.id), 0)
                FROM payment p
                WHERE p.order_id = ? AND p.status IN ('SUCCEEDED', 'REFUNDED', 'NEEDS_REVIEW') AND p.provider_txn_id IS NOT NULL
                ORDER BY p.paid_at, p.id""")
                .param(orderId)
                .query((rs, n) -> new Payment(rs.getLong(1), rs.getString(2).trim(), rs.getBigDecimal(3)))
                .list());
        payments.addAll(jdbc.sql("SELECT payment_id, currency, amount FROM payment_transfer WHERE to_order_id = ? ORDER BY id")
                .param(orderId)
                .query((rs, n) -> new Payment(rs.getLong(1), rs.getString(2).trim(), rs.getBigDecimal(3)))
                .list());
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("DELETE FROM payment_allocation WHERE invoice_id IN (SELECT id FROM invoice WHERE order_id = ?)").param(orderId).update();
        int changed = 0;
        for (Invoice invoice : invoices) {
            BigDecimal paid = BigDecimal.ZERO;
            if (!CANCELLED.equals(invoice.status())) {
                BigDecimal due = invoice.erpCleared() != null ? invoice.erpCleared().min(invoice.total()) : invoice.total();
                for (Payment p : payments) {
                    if (due.signum() <= 0) {
                        break;
                    }
                    if (!p.currency.equals(invoice.currency()) || p.left.signum() <= 0) {
                        continue;
                    }
                    BigDecimal take = p.left.min(due);
                    // one row per payment and invoice (a payment's own money and money moved in from it may meet)
                    if (jdbc.sql("UPDATE payment_allocation SET amount = amount + ? WHERE payment_id = ? AND invoice_id = ?")
                            .params(take, p.id, invoice.id()).update() == 0) {
                        jdbc.sql("INSERT INTO payment_allocation (payment_id, invoice_id, amount, allocated_at) VALUES (?, ?, ?, ?)")
                                .params(p.id, invoice.id(), take, now).update();
                    }
                    p.left = p.left.subtract(take);
                    due = due.subtract(take);
                    paid = paid.add(take);
                }
                if (invoice.erpCleared() != null) {
                    paid = invoice.erpCleared().min(invoice.total()); // the ERP's book says so, whoever paid it
                }
            }
            String status = CANCELLED.equals(invoice.status()) ? CANCELLED
                    : paid.signum() == 0 ? OPEN : paid.compareTo(invoice.total()) >= 0 ? PAID : PARTIALLY_PAID;
            if (paid.compareTo(invoice.paid()) != 0 || !status.equals(invoice.status())) {
                jdbc.sql("""
                        UPDATE invoice SET paid_amount = ?, status = ?, overdue = CASE WHEN ? < total_amount THEN overdue ELSE FALSE END,
                               version = version + 1, updated_at = ? WHERE id = ?""")
                        .params(paid, status, paid, now, invoice.id()).update();
                log.info("Invoice {} of order {}: {} paid of {} {}, {}", invoice.number(), orderId, Money.round(paid, invoice.currency()),
                        Money.round(invoice.total(), invoice.currency()), invoice.currency(), status);
                changed++;
            }
        }
        return changed;
    }
}
