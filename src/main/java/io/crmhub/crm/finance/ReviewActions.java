package io.crmhub.crm.finance;

import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.crm.common.ConflictException;
import io.crmhub.crm.common.InvalidFieldException;
import io.crmhub.crm.common.Money;
import io.crmhub.crm.finance.FinanceReviews.Action;
import io.crmhub.crm.finance.FinanceReviews.Kind;
import io.crmhub.crm.finance.FinanceReviews.Review;
import io.crmhub.crm.finance.FinanceReviews.ReviewView;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The actions that close a finance review (D48), each through the services every payment and refund goes through:
 * <ul>
 *   <li>{@code refund}: the excess of an over-payment (or the whole payment in another currency) is refunded through
 *       the provider ({@link RefundService}, idempotency key {@code review-<id>}, so a repeated action refunds once);
 *       the refund posting reaches the ERP when the provider confirms it;</li>
 *   <li>{@code credit}: the excess is kept as the customer's credit ({@code customer_credit}) and no longer counts for
 *       the order;</li>
 *   <li>{@code allocate}: the excess moves to another open order of the same customer and currency ({@code
 *       payment_transfer}), or an unknown order's payment is recorded against the order finance names (then posted to
 *       the ERP as any receipt, and its parked notification resolved);</li>
 *   <li>{@code accept}: the payment stands as it is (e.g. a tip; a console refund acknowledged);</li>
 *   <li>{@code dismiss}: closed with a reason, nothing else changes.</li>
 * </ul>
 * A receipt held back from the ERP for review ({@code crmhub.payments.review.posting=hold}) is released by credit,
 * allocate and accept. Every action is audited ({@code finance.review}) with the reason.
 */
@Component
class ReviewActions {
    private final FinanceReviews reviews;
    private final RefundService refunds;
    private final PaymentRecorder recorder;
    private final PaymentPostings postings;
    private final InvoiceSettlement settlement;
    private final PaymentReviewProperties reviewRule;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final PaymentStatusCheck statusCheck;

    ReviewActions(FinanceReviews reviews, RefundService refunds, PaymentRecorder recorder, PaymentPostings postings,
                  InvoiceSettlement settlement, PaymentReviewProperties reviewRule, JdbcClient jdbc, Clock clock,
                  PaymentStatusCheck statusCheck) {
        this.statusCheck = statusCheck;
        this.reviews = reviews;
        this.refunds = refunds;
        this.recorder = recorder;
        this.postings = postings;
        this.settlement = settlement;
        this.reviewRule = reviewRule;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    private record Payment(long id, long orderId, String reference, String status, String currency, BigDecimal amount,
                           BigDecimal refunded, BigDecimal free) {
    }

    ReviewView refund(long id, String reason) {
        String why = FinanceReviews.requireReason(reason);
        record Planned(Payment payment, BigDecimal amount) {
        }
        Planned plan = reviews.tx().execute(s -> {
            Review r = reviews.requireOpen(id, Action.REFUND);
            Payment p = payment(r);
            BigDecimal amount = r.kind() == Kind.CURRENCY_MISMATCH ? p.free() : excess(p);
            // a refund is of a SUCCEEDED payment; the review's reason stays on it
            jdbc.sql("UPDATE payment SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND status = ?")
                    .params(PaymentRecorder.SUCCEEDED, now(), p.id(), PaymentRecorder.NEEDS_REVIEW).update();
            return new Planned(p, amount);
        });
        RefundService.RefundView refund = refunds.request(plan.payment().id(), plan.amount(), "review " + id + ": " + truncate(why, 60),
                "review-" + id);
        reviews.tx().executeWithoutResult(s -> reviews.close(reviews.requireOpen(id, Action.REFUND), Action.REFUND, FinanceReviews.RESOLVED,
                "REFUNDED", "refund " + refund.refundReference() + " of " + refund.amount().toPlainString() + " " + refund.currency()
                        + " requested from " + plan.payment().reference(), why,
                Map.of("payment", plan.payment().reference(), "refund", refund.refundReference(), "amount", refund.amount().toPlainString())));
        return reviews.get(id);
    }

    ReviewView credit(long id, String reason) {
        String why = FinanceReviews.requireReason(reason);
        reviews.tx().executeWithoutResult(s -> {
            Review r = reviews.requireOpen(id, Action.CREDIT);
            Payment p = payment(r);
            BigDecimal excess = excess(p);
            long customer = jdbc.sql("SELECT customer_id FROM sales_order WHERE id = ? FOR UPDATE").param(p.orderId()).query(Long.class).single();
            jdbc.sql("""
                    INSERT INTO customer_credit (customer_id, payment_id, review_id, currency, amount, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)""").params(customer, p.id(), id, p.currency(), excess, now()).update();
            jdbc.sql("UPDATE sales_order SET paid_amount = paid_amount - ?, version = version + 1, updated_at = ? WHERE id = ?")
                    .params(excess, now(), p.orderId()).update();
            stand(p);
            settlement.settleOrder(p.orderId());
            reviews.close(r, Action.CREDIT, FinanceReviews.RESOLVED, "CUSTOMER_CREDIT", excess.toPlainString() + " " + p.currency()
                    + " kept as credit of customer " + customer, why, Map.of("payment", p.reference(), "customer", customer,
                    "amount", excess.toPlainString()));
        });
        return reviews.get(id);
    }

    ReviewView allocate(long id, Long orderId, String reason) {
        String why = FinanceReviews.requireReason(reason);
        if (orderId == null) {
            throw new InvalidFieldException("orderId", "is required: the order to allocate the money to");
        }
        reviews.tx().executeWithoutResult(s -> {
            Review r = reviews.requireOpen(id, Action.ALLOCATE);
            if (r.kind() == Kind.UNKNOWN_ORDER) {
                allocateUnknown(r, orderId, why);
            } else {
                transfer(r, orderId, why);
            }
        });
        return reviews.get(id);
    }

    ReviewView accept(long id, String reason) {
        String why = FinanceReviews.requireReason(reason);
        reviews.tx().executeWithoutResult(s -> {
            Review r = reviews.requireOpen(id, Action.ACCEPT);
            if (r.kind() == Kind.RECONCILIATION) { // the difference is known and explained: nothing of ours changes
                reviews.close(r, Action.ACCEPT, FinanceReviews.RESOLVED, "ACCEPTED", null, why, Map.of());
                return;
            }
            Payment p = payment(r);
            stand(p);
            reviews.close(r, Action.ACCEPT, FinanceReviews.RESOLVED, "ACCEPTED", null, why, Map.of("payment", p.reference()));
        });
        return reviews.get(id);
    }

    /**
     * Repairs what a reconciliation found, where the hub can: a posting missing in the ERP (or posted with another amount)
     * is published again (the posting flow finds one already made by its reference and never posts twice); a payment
     * only the provider's statement lists, whose CRM payment is still open, is asked of the provider and recorded from
     * its answer. What the hub cannot repair (a row the provider lists for no payment of ours, a fee dispute) is 409:
     * accept or dismiss it.
     */
    ReviewView resync(long id, String reason) {
        String why = FinanceReviews.requireReason(reason);
        Review r = reviews.tx().execute(s -> reviews.requireOpen(id, Action.RESYNC));
        String[] m = r.payload().split("\\|", -1); // kind|entity|crmId|reference|day
        String kind = m[0];
        String entity = m[1];
        String note;
        switch (kind) {
            case "MISSING_IN_ERP", "ERP_AMOUNT_MISMATCH" -> {
                long crmId = Long.parseLong(m[2]);
                reviews.tx().executeWithoutResult(s -> {
                    if (entity.equals("PAYMENT")) {
                        postings.publishReceipt(crmId, "resync");
                    } else {
                        postings.publishRefund(crmId, "resync");
                    }
                });
                note = entity.toLowerCase() + " " + m[3] + " published to the ERP again";
            }
            case "ONLY_AT_PROVIDER" -> {
                String outcome = entity.equals("PAYMENT") ? statusCheck.recheck(m[3]) : "UNKNOWN";
                if (!"PAID".equals(outcome)) {
                    throw new ConflictException("action", "the hub has no open payment " + m[3] + " the provider confirms as paid ("
                            + outcome + "); accept or dismiss this review, or record the money from an UNKNOWN_ORDER review", null);
                }
                note = "payment " + m[3] + " recorded from the provider's status answer";
            }
            default -> throw new ConflictException("action", "a " + kind + " difference is not the hub's to repair; accept or dismiss it, "
                    + "or run the reconciliation of " + m[4] + " again once the provider or the ERP has corrected it", null);
        }
        reviews.tx().executeWithoutResult(s -> reviews.close(reviews.requireOpen(id, Action.RESYNC), Action.RESYNC, FinanceReviews.RESOLVED,
                "RESYNCED", note, why, Map.of("difference", kind, "reference", m[3])));
        return reviews.get(id);
    }

    ReviewView dismiss(long id, String reason) {
        String why = FinanceReviews.requireReason(reason);
        reviews.tx().executeWithoutResult(s -> reviews.close(reviews.requireOpen(id, Action.DISMISS), Action.DISMISS,
                FinanceReviews.DISMISSED, "DISMISSED", null, why, Map.of()));
        return reviews.get(id);
    }

    // ---- the parts ----

    /** An over-payment's excess moves to another confirmed order of the customer, at most what that order still has open. */
    private void transfer(Review r, long toOrder, String why) {
        Payment p = payment(r);
        if (toOrder == p.orderId()) {
            throw new InvalidFieldException("orderId", "is the order the payment was made for; name another order of the customer");
        }
        record Target(long id, String number, long customer, String status, String currency, BigDecimal open) {
        }
        long customer = jdbc.sql("SELECT customer_id FROM sales_order WHERE id = ?").param(p.orderId()).query(Long.class).single();
        // both orders locked, lower id first (the lock order of every writer of two orders)
        jdbc.sql("SELECT id FROM sales_order WHERE id IN (?, ?) ORDER BY id FOR UPDATE").params(p.orderId(), toOrder).query(Long.class).list();
        Target target = jdbc.sql("SELECT id, order_number, customer_id, status, currency, total_amount - paid_amount FROM sales_order WHERE id = ?")
                .param(toOrder)
                .query((rs, n) -> new Target(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5).trim(),
                        rs.getBigDecimal(6)))
                .optional().orElseThrow(() -> new InvalidFieldException("orderId", "order " + toOrder + " does not exist"));
        if (target.customer() != customer || !target.currency().equals(p.currency()) || !"CONFIRMED".equals(target.status())) {
            throw new InvalidFieldException("orderId", "must be a CONFIRMED " + p.currency() + " order of the same customer ("
                    + target.number() + " is " + target.status() + ", " + target.currency() + ")");
        }
        if (target.open().signum() <= 0) {
            throw new ConflictException("orderId", "order " + target.number() + " has nothing open to pay", null);
        }
        BigDecimal amount = excess(p).min(target.open());
        jdbc.sql("""
                INSERT INTO payment_transfer (payment_id, from_order_id, to_order_id, review_id, currency, amount, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""").params(p.id(), p.orderId(), toOrder, r.id(), p.currency(), amount, now()).update();
        jdbc.sql("UPDATE sales_order SET paid_amount = paid_amount - ?, version = version + 1, updated_at = ? WHERE id = ?")
                .params(amount, now(), p.orderId()).update();
        jdbc.sql("UPDATE sales_order SET paid_amount = paid_amount + ?, version = version + 1, updated_at = ? WHERE id = ?")
                .params(amount, now(), toOrder).update();
        settlement.settleOrder(p.orderId());
        settlement.settleOrder(toOrder);
        String note = amount.toPlainString() + " " + p.currency() + " of " + p.reference() + " allocated to order " + target.number();
        Map<String, Object> detail = Map.of("payment", p.reference(), "toOrder", target.number(), "amount", amount.toPlainString());
        BigDecimal left = excess(p, false);
        if (left.signum() > 0) { // the other order took only what it had open: the rest still waits for a decision
            reviews.progress(r, Action.ALLOCATE, left, note + "; " + left.toPlainString() + " " + p.currency() + " still to decide", why, detail);
            return;
        }
        stand(p);
        reviews.close(r, Action.ALLOCATE, FinanceReviews.RESOLVED, "ALLOCATED", note, why, detail);
    }

    /** A payment nobody's order knew: recorded against the order finance names, then posted like any receipt. */
    private void allocateUnknown(Review r, long orderId, String why) {
        PaymentNotification n = reviews.notification(r);
        String number = jdbc.sql("SELECT order_number FROM sales_order WHERE id = ?").param(orderId).query(String.class).optional()
                .orElseThrow(() -> new InvalidFieldException("orderId", "order " + orderId + " does not exist"));
        long paymentId = recorder.recordAgainst(n, orderId);
        int parked = jdbc.sql("""
                UPDATE parked_message SET status = 'RESOLVED', resolved_at = ?, resolution = ?
                WHERE flow = 'payment-to-crm.record-payment' AND entity_key = ? AND status IN ('PARKED', 'REPLAYED')""")
                .params(now(), "recorded for order " + number + " by finance review " + r.id(), "payment:" + n.paymentReference())
                .update();
        jdbc.sql("UPDATE finance_review SET payment_id = ?, order_id = ? WHERE id = ?").params(paymentId, orderId, r.id()).update();
        reviews.close(r, Action.ALLOCATE, FinanceReviews.RESOLVED, "ALLOCATED", n.provider() + " " + n.providerTransactionId()
                        + " recorded for order " + number + (parked > 0 ? "; its parked notification resolved" : ""), why,
                Map.of("transaction", n.providerTransactionId(), "toOrder", number, "amount", n.amount().toPlainString()));
    }

    /** The payment stands: out of review, and posted to the ERP if its receipt was held back. */
    private void stand(Payment p) {
        String status = p.refunded().compareTo(p.amount()) >= 0 ? "REFUNDED" : PaymentRecorder.SUCCEEDED;
        jdbc.sql("UPDATE payment SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND status = ?")
                .params(status, now(), p.id(), PaymentRecorder.NEEDS_REVIEW).update();
        if (reviewRule.holds()) {
            postings.publishReceipt(p.id(), "released"); // the posting flow finds one already made by its reference
        }
    }

    private Payment payment(Review r) {
        if (r.paymentId() == null) {
            throw new ConflictException("paymentId", "review " + r.id() + " is about no recorded payment", null);
        }
        return jdbc.sql("SELECT p.id, p.order_id, p.payment_reference, p.status, p.currency, p.amount, p.refunded_amount, "
                        + InvoiceSettlement.UNSPENT + " FROM payment p WHERE p.id = ? FOR UPDATE")
                .param(r.paymentId())
                .query((rs, n) -> new Payment(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5).trim(),
                        rs.getBigDecimal(6), rs.getBigDecimal(7), rs.getBigDecimal(8)))
                .single();
    }

    /** What the order received beyond its total, at most what is left of this payment; none is a 409. */
    private BigDecimal excess(Payment p) {
        return excess(p, true);
    }

    private BigDecimal excess(Payment p, boolean required) {
        BigDecimal over = jdbc.sql("SELECT paid_amount - total_amount FROM sales_order WHERE id = ?").param(p.orderId())
                .query(BigDecimal.class).single();
        BigDecimal free = jdbc.sql("SELECT " + InvoiceSettlement.UNSPENT + " FROM payment p WHERE p.id = ?").param(p.id())
                .query(BigDecimal.class).single();
        BigDecimal excess = Money.round(over.min(free).max(BigDecimal.ZERO), p.currency());
        if (!required) {
            return excess;
        }
        if (excess.signum() <= 0) {
            throw new ConflictException("amount", "payment " + p.reference() + " has no excess left over its order's total", null);
        }
        return excess;
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
