package io.crmhub.crm.finance;

import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.events.Inbox;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies a verified payment notification to the CRM, once: the provider's transaction id is unique, so a copy that
 * gets through (a replay, a second event id for the same transaction) changes nothing. The order's paid amount
 * accumulates partial payments; an over-payment or a currency that is not the order's is recorded but flagged for
 * finance ({@code NEEDS_REVIEW}), never silently accepted. A notification for a reference we do not know is parked.
 *
 * <p>Until payments are created through the hub (issue 4), a notification's merchant order number may also be the
 * CRM order number: the payment row is then created here.
 */
@Component("paymentRecorder")
public class PaymentRecorder {
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String NEEDS_REVIEW = "NEEDS_REVIEW";
    private static final Logger log = LoggerFactory.getLogger(PaymentRecorder.class);

    private final JdbcClient jdbc;
    private final PaymentPostings postings;
    private final Inbox inbox;
    private final Clock clock;
    private final PaymentReviewProperties reviewRule;

    private final InvoiceSettlement settlement;
    private final FinanceReviews reviews;

    public PaymentRecorder(JdbcClient jdbc, PaymentPostings postings, Inbox inbox, Clock clock, PaymentReviewProperties reviewRule,
                           InvoiceSettlement settlement, FinanceReviews reviews) {
        this.settlement = settlement;
        this.reviews = reviews;
        this.reviewRule = reviewRule;
        this.jdbc = jdbc;
        this.postings = postings;
        this.inbox = inbox;
        this.clock = clock;
    }

    /** Thrown for a notification about a payment reference the CRM does not know: the flow parks it for review. */
    public static class UnknownPaymentReferenceException extends RuntimeException {
        UnknownPaymentReferenceException(String message) {
            super(message);
        }
    }

    private record OrderRow(long id, String currency, BigDecimal total, BigDecimal paid, long version) {
    }

    @Transactional
    public void record(PaymentNotification n) {
        if (n.kind() == PaymentNotification.Kind.REFUND_SUCCEEDED) {
            recordRefund(n);
            return;
        }
        if (n.kind() != PaymentNotification.Kind.PAYMENT_SUCCEEDED) {
            log.info("{} notification {} ({}) for {} needs no payment change", n.provider(), n.eventId(), n.kind(), n.paymentReference());
            inbox.markProcessed(n.provider(), n.eventId());
            return;
        }
        boolean known = jdbc.sql("SELECT COUNT(*) FROM payment WHERE provider = ? AND provider_txn_id = ?")
                .params(n.provider(), n.providerTransactionId()).query(Long.class).single() > 0;
        if (known) {
            log.info("{} transaction {} for {} already recorded; notification {} has no further effect", n.provider(),
                    n.providerTransactionId(), n.paymentReference(), n.eventId());
            inbox.markProcessed(n.provider(), n.eventId());
            return;
        }
        Optional<OrderRow> found = orderFor(n.paymentReference());
        if (found.isEmpty()) {
            String why = "no payment or order with reference '" + n.paymentReference() + "' (" + n.provider() + " transaction "
                    + n.providerTransactionId() + ", " + n.amount().toPlainString() + " " + n.currency() + ")";
            reviews.openForUnknownOrder(n, why); // finance decides which order it pays; the notification is parked meanwhile
            throw new UnknownPaymentReferenceException(why);
        }
        recordFor(n, found.get());
    }

    /**
     * Records a verified payment notification against an order finance chose (a payment for an unknown reference,
     * allocated from the review queue), in the caller's transaction; answers the payment's id.
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public long recordAgainst(PaymentNotification n, long orderId) {
        if (jdbc.sql("SELECT COUNT(*) FROM payment WHERE provider = ? AND provider_txn_id = ?")
                .params(n.provider(), n.providerTransactionId()).query(Long.class).single() == 0) {
            OrderRow order = jdbc.sql(ORDER_BY_ID).param(orderId)
                    .query((rs, i) -> new OrderRow(rs.getLong(1), rs.getString(2).trim(), rs.getBigDecimal(3), rs.getBigDecimal(4), rs.getLong(5)))
                    .single();
            recordFor(n, order);
        }
        return jdbc.sql("SELECT id FROM payment WHERE provider = ? AND provider_txn_id = ?")
                .params(n.provider(), n.providerTransactionId()).query(Long.class).single();
    }

    private void recordFor(PaymentNotification n, OrderRow order) {
        String review = null;
        BigDecimal paid = order.paid();
        if (!order.currency().equals(n.currency())) {
            review = "currency " + n.currency() + " differs from the order's " + order.currency() + "; not counted as paid";
        } else {
            paid = order.paid().add(n.amount());
            if (paid.compareTo(order.total()) > 0) {
                review = "over-payment: order total " + money(order.total(), order.currency()) + " " + order.currency()
                        + ", paid " + money(paid, order.currency());
            }
        }
        Timestamp now = Timestamp.from(clock.instant());
        Timestamp paidAt = n.occurredAt() == null ? now : Timestamp.from(n.occurredAt());
        String status = review == null ? SUCCEEDED : NEEDS_REVIEW;
        int updated = jdbc.sql("""
                UPDATE payment SET provider_txn_id = ?, status = ?, amount = ?, currency = ?, review_reason = ?, paid_at = ?,
                       version = version + 1, updated_at = ?
                WHERE payment_reference = ? AND provider = ? AND provider_txn_id IS NULL""")
                .params(n.providerTransactionId(), status, n.amount(), n.currency(), review, paidAt, now, n.paymentReference(),
                        n.provider())
                .update();
        if (updated == 0) {
            jdbc.sql("""
                    INSERT INTO payment (order_id, payment_reference, provider, provider_txn_id, status, currency, amount,
                                         refunded_amount, version, created_at, updated_at, review_reason, paid_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?, ?)""")
                    .params(order.id(), referenceFor(n), n.provider(), n.providerTransactionId(), status, n.currency(), n.amount(),
                            now, now, review, paidAt)
                    .update();
        }
        jdbc.sql("UPDATE sales_order SET paid_amount = ?, version = version + 1, updated_at = ? WHERE id = ?")
                .params(paid, now, order.id()).update();
        settlement.settleOrder(order.id());
        long paymentId = jdbc.sql("SELECT id FROM payment WHERE provider = ? AND provider_txn_id = ?")
                .params(n.provider(), n.providerTransactionId()).query(Long.class).single();
        if (review != null) {
            boolean currency = !order.currency().equals(n.currency());
            reviews.openForPayment(currency ? FinanceReviews.Kind.CURRENCY_MISMATCH : FinanceReviews.Kind.OVER_PAYMENT, paymentId,
                    order.id(), n.provider(), n.currency(), currency ? n.amount() : paid.subtract(order.total()), review);
        }
        boolean held = review != null && reviewRule.holds();
        if (!held) {
            postings.publishReceipt(paymentId, "recorded");
        }
        inbox.markProcessed(n.provider(), n.eventId());
        if (review != null) {
            log.warn("Payment {} {} for order {} recorded for review{}: {}", n.provider(), n.providerTransactionId(), order.id(),
                    held ? " and held back from the ERP until finance releases it" : "", review);
        } else {
            log.info("Payment {} {} of {} {} recorded for order {} (paid {} of {})", n.provider(), n.providerTransactionId(),
                    money(n.amount(), n.currency()), n.currency(), order.id(), money(paid, order.currency()),
                    money(order.total(), order.currency()));
        }
    }

    /**
     * A refund the provider completed: once per provider refund id, it moves the money back on the payment and the
     * order. A refund we did not request (made in the provider's console) is recorded too, flagged for review.
     */
    private void recordRefund(PaymentNotification n) {
        Timestamp now = Timestamp.from(clock.instant());
        int updated = jdbc.sql("UPDATE refund SET status = ?, updated_at = ? WHERE provider_refund_id = ? AND status <> ?")
                .params("SUCCEEDED", now, n.providerTransactionId(), "SUCCEEDED").update();
        boolean known = jdbc.sql("SELECT COUNT(*) FROM refund WHERE provider_refund_id = ?").param(n.providerTransactionId())
                .query(Long.class).single() > 0;
        if (!known) {
            // the notification can overtake the provider's answer to our own request (Stripe sends events at once):
            // it completes the in-flight refund of that amount which has no provider id yet, not a "console" refund
            updated = jdbc.sql("""
                    UPDATE refund SET provider_refund_id = ?, status = ?, updated_at = ?
                    WHERE id = (SELECT MIN(r.id) FROM refund r JOIN payment p ON p.id = r.payment_id
                                WHERE (p.payment_reference = ? OR (p.provider = ? AND p.provider_txn_id = ?))
                                  AND r.provider_refund_id IS NULL AND r.status IN ('REQUESTED', 'PROCESSING') AND r.amount = ?)""")
                    .params(n.providerTransactionId(), "SUCCEEDED", now, n.paymentReference(), n.provider(), n.paymentReference(), n.amount())
                    .update();
            known = updated == 1;
        }
        if (known && updated == 0) {
            log.info("{} refund {} already recorded; notification {} has no further effect", n.provider(), n.providerTransactionId(), n.eventId());
            inbox.markProcessed(n.provider(), n.eventId());
            return;
        }
        record PaymentRow(long id, long orderId, BigDecimal amount, BigDecimal refunded, String currency) {
        }
        // a refund made in the provider's console may name only the provider's payment id (Stripe)
        PaymentRow payment = jdbc.sql("""
                SELECT id, order_id, amount, refunded_amount, currency FROM payment
                WHERE payment_reference = ? OR (provider = ? AND provider_txn_id = ?) ORDER BY id FETCH FIRST 1 ROWS ONLY FOR UPDATE""")
                .params(n.paymentReference(), n.provider(), n.paymentReference())
                .query((rs, i) -> new PaymentRow(rs.getLong(1), rs.getLong(2), rs.getBigDecimal(3), rs.getBigDecimal(4), rs.getString(5).trim()))
                .optional().orElseThrow(() -> new UnknownPaymentReferenceException("refund " + n.providerTransactionId()
                        + " for unknown payment reference '" + n.paymentReference() + "'"));
        if (!known) {
            jdbc.sql("""
                    INSERT INTO refund (payment_id, refund_reference, provider_refund_id, status, currency, amount, reason, requested_by,
                                        created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(payment.id(), n.paymentReference() + "-X" + n.providerTransactionId(), n.providerTransactionId(),
                            "SUCCEEDED", n.currency(), n.amount(), "made at the provider, not requested through the hub",
                            n.provider(), now, now).update();
        }
        BigDecimal refunded = payment.refunded().add(n.amount());
        String status = refunded.compareTo(payment.amount()) >= 0 ? "REFUNDED" : SUCCEEDED;
        String review = known ? null : "refund " + n.providerTransactionId() + " was made at " + n.provider() + ", not through the hub";
        jdbc.sql("""
                UPDATE payment SET refunded_amount = ?, status = ?, review_reason = COALESCE(?, review_reason),
                       version = version + 1, updated_at = ? WHERE id = ?""")
                .params(refunded, review == null ? status : NEEDS_REVIEW, review, now, payment.id()).update();
        // a payment in another currency than its order's never counted as paid, so its refund takes nothing back
        jdbc.sql("UPDATE sales_order SET paid_amount = paid_amount - ?, version = version + 1, updated_at = ? WHERE id = ? AND currency = ?")
                .params(n.amount(), now, payment.orderId(), payment.currency()).update();
        settlement.settleOrder(payment.orderId());
        if (review != null) {
            reviews.openForPayment(FinanceReviews.Kind.PROVIDER_REFUND, payment.id(), payment.orderId(), n.provider(), n.currency(),
                    n.amount(), review);
        }
        long refundId = jdbc.sql("SELECT id FROM refund WHERE provider_refund_id = ? AND payment_id = ?")
                .params(n.providerTransactionId(), payment.id()).query(Long.class).single();
        postings.publishRefund(refundId, "refunded");
        inbox.markProcessed(n.provider(), n.eventId());
        log.info("Refund {} of {} {} recorded on payment {}", n.providerTransactionId(), money(n.amount(), n.currency()),
                n.currency(), n.paymentReference());
    }

    private static String money(BigDecimal amount, String currency) {
        return io.crmhub.crm.common.Money.round(amount, currency).toPlainString();
    }

    /** A payment reference is unique per payment; a second transaction for the same reference gets its own row. */
    private String referenceFor(PaymentNotification n) {
        boolean taken = jdbc.sql("SELECT COUNT(*) FROM payment WHERE payment_reference = ?").param(n.paymentReference())
                .query(Long.class).single() > 0;
        return taken ? n.paymentReference() + "/" + n.providerTransactionId() : n.paymentReference();
    }

    private static final String ORDER_BY_ID = """
            SELECT id, currency, total_amount, paid_amount, version FROM sales_order WHERE id = ? FOR UPDATE""";
    private static final String ORDER_BY_NUMBER = """
            SELECT id, currency, total_amount, paid_amount, version FROM sales_order WHERE order_number = ? FOR UPDATE""";

    /** The order a payment reference belongs to (its payment's order, or an order number used as reference), locked. */
    private Optional<OrderRow> orderFor(String reference) {
        Optional<Long> orderId = jdbc.sql("SELECT order_id FROM payment WHERE payment_reference = ?").param(reference)
                .query(Long.class).optional();
        return jdbc.sql(orderId.isPresent() ? ORDER_BY_ID : ORDER_BY_NUMBER)
                .param(orderId.isPresent() ? orderId.get() : reference)
                .query((rs, i) -> new OrderRow(rs.getLong(1), rs.getString(2).trim(), rs.getBigDecimal(3), rs.getBigDecimal(4), rs.getLong(5)))
                .optional();
    }
}
