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
    public static final String CREDITED = "CREDITED";
    /** {@code invoice.document_kind} of an ERP credit note; invoices are {@code INVOICE}. */
    public static final String CREDIT_NOTE = "CREDIT_NOTE";
    private static final Logger log = LoggerFactory.getLogger(InvoiceSettlement.class);

    /**
     * What is left of payment {@code p} (SQL over the alias {@code p}): its amount less refunds, less what finance kept
     * as the customer's credit or moved to another order (D48). The one definition the settlement and the review
     * actions use.
     */
    static final String UNSPENT = """
            (p.amount - p.refunded_amount
             - COALESCE((SELECT SUM(c.amount) FROM customer_credit c WHERE c.payment_id = p.id), 0)
             - COALESCE((SELECT SUM(t.amount) FROM payment_transfer t WHERE t.payment_id = p.id), 0))""";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final String orderLock;

    InvoiceSettlement(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.orderLock = "SELECT id FROM sales_order WHERE id = ?" + orderLockClause(jdbc);
    }

    /**
     * The order's row lock of a settlement. On PostgreSQL {@code FOR NO KEY UPDATE}: it excludes another settlement
     * (and a payment's {@code FOR UPDATE}) but not the key-share lock a foreign key check takes when a status row or an
     * invoice of that order is inserted, so a poller that inserts rows of many orders in its page order never deadlocks
     * with a settlement. H2 has only {@code FOR UPDATE} (and takes no key-share locks).
     */
    private static String orderLockClause(JdbcClient jdbc) {
        String product = jdbc.sql("SELECT 1").query((rs, n) -> rs.getStatement().getConnection().getMetaData().getDatabaseProductName())
                .optional().orElse("");
        return product.toLowerCase(java.util.Locale.ROOT).contains("postgres") ? " FOR NO KEY UPDATE" : " FOR UPDATE";
    }

    /** Locks the order's row for its settlement (callers that write an order's invoices lock it first). */
    public void lockOrder(long orderId) {
        jdbc.sql(orderLock).param(orderId).query(Long.class).optional();
    }

    private record Invoice(long id, String number, String currency, BigDecimal total, BigDecimal paid, String status,
                           BigDecimal erpCleared, BigDecimal creditedBefore) {
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
        if (jdbc.sql(orderLock).param(orderId).query(Long.class).optional().isEmpty()) {
            return 0;
        }
        List<Invoice> invoices = jdbc.sql("""
                SELECT id, invoice_number, currency, total_amount, paid_amount, status, erp_cleared_amount, credited_amount FROM invoice
                WHERE order_id = ? AND document_kind = 'INVOICE' ORDER BY issue_date, invoice_number FOR UPDATE""")
                .param(orderId)
                .query((rs, n) -> new Invoice(rs.getLong(1), rs.getString(2), rs.getString(3).trim(), rs.getBigDecimal(4),
                        rs.getBigDecimal(5), rs.getString(6), rs.getBigDecimal(7), rs.getBigDecimal(8)))
                .list();
        if (invoices.isEmpty()) {
            return 0;
        }
        java.util.Map<Long, BigDecimal> credited = credits(orderId, invoices);
        // money that arrived: succeeded (or held for review) payments, less refunds and what finance kept as the
        // customer's credit or moved to another order, oldest first; then what finance moved here from another order
        List<Payment> payments = new ArrayList<>(jdbc.sql("SELECT p.id, p.currency, " + UNSPENT + """
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
            BigDecimal credit = credited.getOrDefault(invoice.id(), BigDecimal.ZERO);
            if (!CANCELLED.equals(invoice.status())) {
                BigDecimal payable = invoice.total().subtract(credit).max(BigDecimal.ZERO);
                BigDecimal due = invoice.erpCleared() != null ? invoice.erpCleared().min(payable) : payable;
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
                    paid = invoice.erpCleared().min(payable); // the ERP's book says so, whoever paid it
                }
            }
            BigDecimal open = invoice.total().subtract(credit).subtract(paid);
            String status = CANCELLED.equals(invoice.status()) ? CANCELLED
                    : credit.compareTo(invoice.total()) >= 0 ? CREDITED
                    : open.signum() <= 0 ? PAID : paid.signum() > 0 ? PARTIALLY_PAID : OPEN;
            if (paid.compareTo(invoice.paid()) != 0 || credit.compareTo(invoice.creditedBefore()) != 0 || !status.equals(invoice.status())) {
                jdbc.sql("""
                        UPDATE invoice SET paid_amount = ?, credited_amount = ?, status = ?,
                               overdue = CASE WHEN ? > 0 THEN overdue ELSE FALSE END, version = version + 1, updated_at = ? WHERE id = ?""")
                        .params(paid, credit, status, open, now, invoice.id()).update();
                log.info("Invoice {} of order {}: {} paid of {} {}, {}", invoice.number(), orderId, Money.round(paid, invoice.currency()),
                        Money.round(invoice.total(), invoice.currency()), invoice.currency(), status);
                changed++;
            }
        }
        return changed;
    }

    /**
     * What the order's credit notes take off each invoice: a credit note naming its invoice credits that one (up to its
     * total), the rest of it, and a credit note naming none, the order's invoices oldest first.
     */
    private java.util.Map<Long, BigDecimal> credits(long orderId, List<Invoice> invoices) {
        record Credit(String creditFor, String currency, BigDecimal amount) {
        }
        List<Credit> notes = jdbc.sql("""
                SELECT credit_for, currency, total_amount FROM invoice
                WHERE order_id = ? AND document_kind = 'CREDIT_NOTE' AND status <> 'CANCELLED' ORDER BY issue_date, invoice_number""")
                .param(orderId).query((rs, n) -> new Credit(rs.getString(1), rs.getString(2).trim(), rs.getBigDecimal(3))).list();
        java.util.Map<Long, BigDecimal> credited = new java.util.HashMap<>();
        for (Credit note : notes) {
            BigDecimal left = note.amount();
            for (int pass = 0; pass < 2 && left.signum() > 0; pass++) { // first the invoice it names, then the others
                for (Invoice invoice : invoices) {
                    boolean named = invoice.number().equals(note.creditFor());
                    if ((pass == 0) != named || CANCELLED.equals(invoice.status()) || !invoice.currency().equals(note.currency())) {
                        continue;
                    }
                    BigDecimal room = invoice.total().subtract(credited.getOrDefault(invoice.id(), BigDecimal.ZERO));
                    BigDecimal take = left.min(room.max(BigDecimal.ZERO));
                    if (take.signum() > 0) {
                        credited.merge(invoice.id(), take, BigDecimal::add);
                        left = left.subtract(take);
                    }
                }
            }
        }
        return credited;
    }
}
