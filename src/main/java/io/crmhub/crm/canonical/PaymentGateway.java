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

    record PaymentRequest(String reference, BigDecimal amount, String currency, String description) {
    }

    /** What the customer needs to pay: a QR code URL (WeChat Pay, Alipay) or a client secret (Stripe). */
    record PaymentInstructions(String qrCodeUrl, String clientSecret) {
    }
}
