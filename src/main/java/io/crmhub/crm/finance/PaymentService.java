package io.crmhub.crm.finance;

import io.crmhub.crm.canonical.PaymentGateway;
import io.crmhub.crm.common.ConflictException;
import io.crmhub.crm.common.DataScope;
import io.crmhub.crm.common.IdempotencyKeys;
import io.crmhub.crm.common.Money;
import io.crmhub.crm.common.NotFoundException;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates a payment for what is still open on a confirmed order. The payment row (with our reference, the provider's
 * merchant order number) is committed before the provider is called, and asking again while it is open re-uses the
 * same reference: a retried request never charges twice. With an {@code Idempotency-Key} a repeat answers the
 * payment the key first created, whatever became of it, and the key with another body is refused (422).
 */
@Service
public class PaymentService {
    public static final String CREATED = "CREATED";
    public static final String FAILED = "FAILED";
    private static final Logger log = LoggerFactory.getLogger(PaymentService.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final PaymentGateways gateways;

    PaymentService(JdbcClient jdbc, TransactionTemplate tx, Clock clock, PaymentGateways gateways) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.gateways = gateways;
    }

    public record CreatedPayment(long paymentId, String reference, String provider, BigDecimal amount, String currency, String status,
                                 @io.swagger.v3.oas.annotations.media.Schema(description = "WeChat Pay (`weixin://…`) and Alipay "
                                         + "(`https://qr.alipay.com/…`): the code the customer scans") String qrCodeUrl,
                                 @io.swagger.v3.oas.annotations.media.Schema(description = "Stripe: the PaymentIntent's client "
                                         + "secret, for Stripe.js to confirm the payment in the browser") String clientSecret) {
    }

    private record Open(long paymentId, String reference, BigDecimal amount, String currency, String orderNumber, String status,
                        String qrCodeUrl) {
    }

    /** A payment for the order, if the order is in {@code scope} (another owner's order is not found). */
    public CreatedPayment create(long orderId, String provider, String description, String idempotencyKey, DataScope scope) {
        PaymentGateway gateway = gateways.require(provider, "provider");
        String fingerprint = idempotencyKey == null ? null : IdempotencyKeys.fingerprint(provider, description);
        Open open = tx.execute(status -> openPayment(orderId, provider, idempotencyKey, fingerprint, scope));
        if (!CREATED.equals(open.status())) { // the first request under this key has moved on: its result, as it is now
            return new CreatedPayment(open.paymentId(), open.reference(), provider, open.amount(), open.currency(), open.status(),
                    open.qrCodeUrl(), null);
        }
        PaymentGateway.PaymentInstructions instructions;
        try {
            instructions = gateway.create(new PaymentGateway.PaymentRequest(open.reference(), open.amount(), open.currency(),
                    description == null || description.isBlank() ? "Order " + open.orderNumber() : description));
        } catch (io.crmhub.routing.PermanentConnectorException e) {
            jdbc.sql("UPDATE payment SET status = ?, review_reason = ?, updated_at = ? WHERE id = ? AND status = ?")
                    .params(FAILED, truncate(e.getMessage(), 500), Timestamp.from(clock.instant()), open.paymentId(), CREATED).update();
            throw e;
        }
        jdbc.sql("UPDATE payment SET qr_code_url = ?, provider_payment_id = ?, updated_at = ? WHERE id = ?")
                .params(instructions.qrCodeUrl(), instructions.providerPaymentId(), Timestamp.from(clock.instant()),
                        open.paymentId()).update();
        log.info("Payment {} ({} {} via {}) created for order {}", open.reference(), open.amount().toPlainString(),
                open.currency(), provider, orderId);
        return new CreatedPayment(open.paymentId(), open.reference(), provider, open.amount(), open.currency(), CREATED,
                instructions.qrCodeUrl(), instructions.clientSecret());
    }

    private Open openPayment(long orderId, String provider, String idempotencyKey, String fingerprint, DataScope scope) {
        record OrderRow(String number, String status, String currency, BigDecimal total, BigDecimal paid) {
        }
        OrderRow order = jdbc.sql("SELECT order_number, status, currency, total_amount, paid_amount FROM sales_order WHERE id = ?"
                        + scope.filter("owner") + " FOR UPDATE")
                .params(scope.params(java.util.List.of(orderId)))
                .query((rs, n) -> new OrderRow(rs.getString(1), rs.getString(2), rs.getString(3).trim(), rs.getBigDecimal(4), rs.getBigDecimal(5)))
                .optional().orElseThrow(() -> new NotFoundException("order", orderId));
        if (idempotencyKey != null) {
            record Earlier(Open open, String fingerprint) {
            }
            var earlier = jdbc.sql("""
                    SELECT id, payment_reference, status, amount, currency, qr_code_url, request_hash FROM payment
                    WHERE order_id = ? AND idempotency_key = ?""")
                    .params(orderId, idempotencyKey)
                    .query((rs, n) -> new Earlier(new Open(rs.getLong(1), rs.getString(2), Money.scaled(rs.getBigDecimal(4),
                            rs.getString(5).trim()), rs.getString(5).trim(), order.number(), rs.getString(3), rs.getString(6)),
                            rs.getString(7)))
                    .optional();
            if (earlier.isPresent()) {
                IdempotencyKeys.requireSameRequest(earlier.get().fingerprint(), fingerprint);
                return earlier.get().open();
            }
        }
        if (!"CONFIRMED".equals(order.status())) {
            throw new ConflictException("status", "order " + order.number() + " is " + order.status() + "; only CONFIRMED orders are paid", null);
        }
        BigDecimal outstanding = Money.scaled(order.total().subtract(order.paid()), order.currency());
        if (outstanding.signum() <= 0) {
            throw new ConflictException("paidAmount", "order " + order.number() + " is fully paid", null);
        }
        var existing = jdbc.sql("""
                SELECT id, payment_reference FROM payment
                WHERE order_id = ? AND provider = ? AND status = ? AND amount = ? AND idempotency_key IS NULL ORDER BY id DESC""")
                .params(orderId, provider, CREATED, outstanding)
                .query((rs, n) -> new Open(rs.getLong(1), rs.getString(2), outstanding, order.currency(), order.number(), CREATED, null))
                .list();
        if (!existing.isEmpty()) {
            Open reused = existing.get(0);
            if (idempotencyKey != null) { // from now on the key names this payment
                jdbc.sql("UPDATE payment SET idempotency_key = ?, request_hash = ? WHERE id = ?")
                        .params(idempotencyKey, fingerprint, reused.paymentId()).update();
            }
            return reused;
        }
        long count = jdbc.sql("SELECT COUNT(*) FROM payment WHERE order_id = ?").param(orderId).query(Long.class).single();
        String reference = order.number() + "-P" + (count + 1);
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("""
                INSERT INTO payment (order_id, payment_reference, provider, status, currency, amount, refunded_amount, version,
                                     idempotency_key, request_hash, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?, ?)""")
                .params(orderId, reference, provider, CREATED, order.currency(), outstanding, idempotencyKey, fingerprint, now, now)
                .update();
        long id = jdbc.sql("SELECT id FROM payment WHERE payment_reference = ?").param(reference).query(Long.class).single();
        return new Open(id, reference, outstanding, order.currency(), order.number(), CREATED, null);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
