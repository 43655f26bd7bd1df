package io.crmhub.crm.finance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.crm.canonical.PaymentGateway;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.events.Inbox;
import io.crmhub.events.InboxWriter;
import io.crmhub.crm.common.ConflictException;
import io.crmhub.crm.common.InvalidFieldException;
import io.crmhub.crm.common.Money;
import io.crmhub.crm.common.NotFoundException;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Refunds requested by finance. The refund row (our refund reference = the provider's refund idempotency key,
 * {@code out_refund_no}) is committed before the provider is asked; the same {@code Idempotency-Key} returns the
 * same refund. Amounts in flight count against what can still be refunded, so two quick requests cannot refund more
 * than was paid. The final outcome arrives by notification and moves money on the payment and the order.
 */
@Service
public class RefundService {
    public static final String REQUESTED = "REQUESTED";
    public static final String PROCESSING = "PROCESSING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    private static final Logger log = LoggerFactory.getLogger(RefundService.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final PaymentGateways gateways;
    private final InboxWriter inbox;
    private final ObjectMapper json;

    RefundService(JdbcClient jdbc, TransactionTemplate tx, Clock clock, PaymentGateways gateways, InboxWriter inbox, ObjectMapper json) {
        this.inbox = inbox;
        this.json = json;
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.gateways = gateways;
    }

    public record RefundView(long id, long paymentId, String refundReference, String providerRefundId, String status,
                             BigDecimal amount, String currency, String reason, String requestedBy, Instant createdAt) {
        static final String COLUMNS = "id, payment_id, refund_reference, provider_refund_id, status, amount, currency, reason, "
                + "requested_by, created_at";
        /** By column name: H2 logs each camelCase name a class-based row mapper probes as an error into its trace file. */
        static final org.springframework.jdbc.core.RowMapper<RefundView> ROW = (rs, n) -> {
            String currency = rs.getString("currency").trim();
            return new RefundView(rs.getLong("id"), rs.getLong("payment_id"), rs.getString("refund_reference"),
                    rs.getString("provider_refund_id"), rs.getString("status"), Money.presented(rs.getBigDecimal("amount"), currency),
                    currency, rs.getString("reason"), rs.getString("requested_by"), FinanceViews.instant(rs, "created_at"));
        };
    }

    private record PaymentRow(long id, String reference, String provider, String status, String currency, BigDecimal amount,
                              String providerPaymentId) {
    }

    public RefundView request(long paymentId, BigDecimal amount, String reason, String idempotencyKey) {
        String fingerprint = io.crmhub.crm.common.IdempotencyKeys.fingerprint(amount, reason);
        record Prepared(RefundView refund, PaymentRow payment, boolean existing) {
        }
        Prepared prepared = tx.execute(status -> {
            PaymentRow payment = jdbc.sql("""
                    SELECT id, payment_reference, provider, status, currency, amount, COALESCE(provider_payment_id, provider_txn_id)
                    FROM payment WHERE id = ? FOR UPDATE""")
                    .param(paymentId)
                    .query((rs, n) -> new PaymentRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5).trim(), rs.getBigDecimal(6), rs.getString(7)))
                    .optional().orElseThrow(() -> new NotFoundException("payment", paymentId));
            if (idempotencyKey != null) {
                var earlier = jdbc.sql("SELECT " + RefundView.COLUMNS + " FROM refund WHERE payment_id = ? AND idempotency_key = ?").params(paymentId, idempotencyKey)
                        .query(RefundView.ROW).optional();
                if (earlier.isPresent()) {
                    io.crmhub.crm.common.IdempotencyKeys.requireSameRequest(jdbc.sql(
                            "SELECT request_hash FROM refund WHERE payment_id = ? AND idempotency_key = ?")
                            .params(paymentId, idempotencyKey).query(String.class).optional().orElse(null), fingerprint);
                    return new Prepared(earlier.get(), payment, true);
                }
            }
            if (!PaymentRecorder.SUCCEEDED.equals(payment.status()) && !"REFUNDED".equals(payment.status())) {
                throw new ConflictException("status", "payment " + payment.reference() + " is " + payment.status()
                        + "; only SUCCEEDED payments are refunded", null);
            }
            BigDecimal scaled;
            try {
                scaled = Money.scaled(amount, payment.currency());
            } catch (ArithmeticException e) {
                throw new InvalidFieldException("amount", "has more decimals than " + payment.currency() + " allows");
            }
            BigDecimal committed = jdbc.sql("SELECT COALESCE(SUM(amount), 0) FROM refund WHERE payment_id = ? AND status <> ?")
                    .params(paymentId, FAILED).query(BigDecimal.class).single();
            BigDecimal refundable = payment.amount().subtract(committed);
            if (scaled.compareTo(refundable) > 0) {
                throw new ConflictException("amount", "at most " + Money.scaled(refundable, payment.currency()).toPlainString()
                        + " " + payment.currency() + " of payment " + payment.reference() + " can still be refunded", null);
            }
            long n = jdbc.sql("SELECT COUNT(*) FROM refund WHERE payment_id = ?").param(paymentId).query(Long.class).single();
            String reference = payment.reference() + "-R" + (n + 1);
            Timestamp now = Timestamp.from(clock.instant());
            jdbc.sql("""
                    INSERT INTO refund (payment_id, refund_reference, idempotency_key, request_hash, status, currency, amount, reason,
                                        requested_by, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(paymentId, reference, idempotencyKey, idempotencyKey == null ? null : fingerprint, REQUESTED,
                            payment.currency(), scaled, reason, actor(), now, now)
                    .update();
            return new Prepared(view(reference), payment, false);
        });
        RefundView refund = prepared.refund();
        if (prepared.existing() && !REQUESTED.equals(refund.status())) {
            return refund;
        }
        PaymentGateway gateway = gateways.require(prepared.payment().provider(), "paymentId");
        PaymentGateway.RefundResult result;
        try {
            result = gateway.refund(new PaymentGateway.RefundRequest(prepared.payment().reference(), refund.refundReference(),
                    refund.amount(), prepared.payment().amount(), refund.currency(), reason, prepared.payment().providerPaymentId()));
        } catch (io.crmhub.routing.PermanentConnectorException e) {
            jdbc.sql("UPDATE refund SET status = ?, updated_at = ? WHERE refund_reference = ?")
                    .params(FAILED, Timestamp.from(clock.instant()), refund.refundReference()).update();
            throw e;
        }
        jdbc.sql("UPDATE refund SET provider_refund_id = ?, status = ?, updated_at = ? WHERE refund_reference = ? AND status = ?")
                .params(result.providerRefundId(), PROCESSING, Timestamp.from(clock.instant()), refund.refundReference(), REQUESTED)
                .update();
        if (result.completed() != null) {
            // completed in the answer, no notification will follow: applied once through the inbox and the payment flow
            PaymentNotification done = result.completed();
            try {
                inbox.accept(new Inbox.Entry(done.provider(), done.eventId(), "REFUND.SUCCESS", "payment", done.paymentReference(),
                        json.writeValueAsString(done), PaymentStatusCheck.NOTIFIED, null));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        log.info("Refund {} of {} {} requested for payment {} ({}): {}", refund.refundReference(), refund.amount().toPlainString(),
                refund.currency(), prepared.payment().reference(), result.providerRefundId(), result.status());
        return view(refund.refundReference());
    }

    private RefundView view(String reference) {
        return jdbc.sql("SELECT " + RefundView.COLUMNS + " FROM refund WHERE refund_reference = ?").param(reference).query(RefundView.ROW).single();
    }

    private static String actor() {
        return FinanceActor.name();
    }
}
