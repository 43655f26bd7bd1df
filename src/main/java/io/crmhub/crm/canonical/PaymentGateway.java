package io.crmhub.crm.canonical;

import java.math.BigDecimal;

/**
 * What the CRM asks of a payment provider's connector: create a payment the customer can pay, under our payment
 * reference (the provider's merchant order number, so a retried create never charges twice).
 */
public interface PaymentGateway {

    /** The provider name used in the API and webhooks, e.g. {@code wechatpay}. */
    String provider();

    PaymentInstructions create(PaymentRequest request);

    /** Asks the provider to refund part or all of a payment; {@code refundReference} is its idempotency key. */
    RefundResult refund(RefundRequest request);

    /**
     * @param providerPaymentId the provider's id of the payment (the one it was created under, else the one it was paid
     *                          under), for providers that refund by it (Stripe's PaymentIntent id); null when unknown
     */
    record RefundRequest(String paymentReference, String refundReference, BigDecimal amount, BigDecimal paymentAmount,
                         String currency, String reason, String providerPaymentId) {
        public RefundRequest(String paymentReference, String refundReference, BigDecimal amount, BigDecimal paymentAmount,
                             String currency, String reason) {
            this(paymentReference, refundReference, amount, paymentAmount, currency, reason, null);
        }
    }

    /**
     * @param status    PROCESSING or SUCCEEDED (the final outcome may come later by notification)
     * @param completed for a provider that completes refunds in its answer and sends no refund notification
     *                  (Alipay): the refund as a notification would have reported it, applied through the inbox
     *                  like one; null otherwise
     */
    record RefundResult(String providerRefundId, String status, PaymentNotification completed) {
        public RefundResult(String providerRefundId, String status) {
            this(providerRefundId, status, null);
        }
    }

    /**
     * The provider's view of one of our payments, for when its notification does not come.
     *
     * @param providerPaymentId the provider's id from {@link PaymentInstructions} (null for providers keyed by our reference)
     */
    PaymentStatus query(String reference, String providerPaymentId);

    /** Closes an unpaid payment at the provider, so an old QR code (or client secret) can no longer be paid. */
    void close(String reference, String providerPaymentId);

    /**
     * @param state         PAID, UNPAID, CLOSED or OTHER (refunded, failed, in progress)
     * @param notification  for PAID: the payment as a notification would have reported it
     */
    record PaymentStatus(String state, String providerStatus, PaymentNotification notification) {
    }

    record PaymentRequest(String reference, BigDecimal amount, String currency, String description) {
    }

    /**
     * What the customer needs to pay: a QR code URL (WeChat Pay, Alipay) or a client secret (Stripe), and the
     * provider's own id of the payment where it has one before it is paid (Stripe's PaymentIntent id), kept for queries.
     */
    record PaymentInstructions(String qrCodeUrl, String clientSecret, String providerPaymentId) {
    }
}
