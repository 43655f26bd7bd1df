package io.crmhub.crm.finance;

import io.crmhub.crm.canonical.CanonicalPayment;
import io.crmhub.crm.common.NotFoundException;
import io.crmhub.events.OutboxWriter;
import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The ERP postings of money that moved: a recorded payment is a receipt, a completed refund a refund, each published
 * once on {@code crm.payment.changed} for the flow {@code crm-to-erp.payment-post}, built from the CRM's current state
 * (the order's invoice, if any, is what the ERP clears against).
 */
@Component
public class PaymentPostings {
    public static final String DESTINATION = OutboxWriter.destinationOf("payment");

    private final JdbcClient jdbc;
    private final OutboxWriter outbox;

    public PaymentPostings(JdbcClient jdbc, OutboxWriter outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    /** In the caller's transaction: the receipt of a payment the provider confirmed. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void publishReceipt(long paymentId, String eventType) {
        outbox.append("payment", paymentId, 1, eventType, receipt(paymentId), DESTINATION);
    }

    /** In the caller's transaction: the refund the provider completed. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void publishRefund(long refundId, String eventType) {
        outbox.append("refund", refundId, 1, eventType, refund(refundId), DESTINATION);
    }

    public CanonicalPayment receipt(long paymentId) {
        return jdbc.sql("""
                SELECT p.id, p.payment_reference, p.order_id, o.order_number, o.customer_id, p.provider, p.provider_txn_id,
                       p.amount, p.currency, COALESCE(p.paid_at, p.updated_at)
                FROM payment p JOIN sales_order o ON o.id = p.order_id
                WHERE p.id = ? AND p.provider_txn_id IS NOT NULL""")
                .param(paymentId)
                .query((rs, n) -> new CanonicalPayment(CanonicalPayment.Kind.RECEIPT, CanonicalPayment.receiptReference(paymentId),
                        paymentId, null, rs.getString(2), rs.getLong(3), rs.getString(4), rs.getLong(5),
                        invoiceOf(rs.getLong(3)), rs.getString(6), rs.getString(7), rs.getBigDecimal(8), rs.getString(9).trim(),
                        instant(rs.getTimestamp(10))))
                .optional().orElseThrow(() -> new NotFoundException("received payment", paymentId));
    }

    public CanonicalPayment refund(long refundId) {
        return jdbc.sql("""
                SELECT r.id, p.id, p.payment_reference, p.order_id, o.order_number, o.customer_id, p.provider, r.provider_refund_id,
                       r.amount, r.currency, r.updated_at
                FROM refund r JOIN payment p ON p.id = r.payment_id JOIN sales_order o ON o.id = p.order_id
                WHERE r.id = ? AND r.status = 'SUCCEEDED'""")
                .param(refundId)
                .query((rs, n) -> new CanonicalPayment(CanonicalPayment.Kind.REFUND, CanonicalPayment.refundReference(refundId),
                        rs.getLong(2), refundId, rs.getString(3), rs.getLong(4), rs.getString(5), rs.getLong(6),
                        invoiceOf(rs.getLong(4)), rs.getString(7), rs.getString(8), rs.getBigDecimal(9), rs.getString(10).trim(),
                        instant(rs.getTimestamp(11))))
                .optional().orElseThrow(() -> new NotFoundException("completed refund", refundId));
    }

    /** The order's latest non-cancelled invoice, if the ERP has billed it yet. */
    private String invoiceOf(long orderId) {
        return jdbc.sql("""
                SELECT invoice_number FROM invoice WHERE order_id = ? AND status <> 'CANCELLED'
                ORDER BY issue_date DESC, id DESC FETCH FIRST 1 ROWS ONLY""")
                .param(orderId).query(String.class).optional().orElse(null);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
