package io.crmhub.crm.canonical;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A verified payment provider notification in the hub's terms: what happened to which of our payment references,
 * with the provider's transaction id and the exact amount in major units of the currency.
 */
public record PaymentNotification(String provider, String eventId, Kind kind, String paymentReference,
                                   String providerTransactionId, BigDecimal amount, String currency, Instant occurredAt,
                                   String providerStatus) {
    /** The aggregate payment notifications are grouped by, and the address they are published to. */
    public static final String AGGREGATE = "payment";
    public static final String ADDRESS = "crm.payment.notified";

    public enum Kind { PAYMENT_SUCCEEDED, REFUND_SUCCEEDED, OTHER }
}
