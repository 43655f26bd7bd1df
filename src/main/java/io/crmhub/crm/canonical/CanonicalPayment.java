package io.crmhub.crm.canonical;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Money that moved, as it travels on {@code crm.payment.changed} to the ERP: a payment received from the customer
 * ({@link Kind#RECEIPT}) or a refund paid back ({@link Kind#REFUND}). Each is posted once and never changed (a wrong
 * posting is reversed in the ERP, not edited), so the event carries version 1 and the ERP document is keyed by
 * {@link #reference()}: {@code CRM-P-…} / {@code CRM-R-…}, 16 characters like our customer references, so it fits SAP's
 * 16-character reference document field and Kingdee's bill number.
 *
 * @param invoiceNumber the CRM's invoice for the order when the money moved (null: not invoiced yet); the ERP clears
 *                      against it, otherwise against the order number
 * @param amount        always positive; the kind says the direction
 */
public record CanonicalPayment(Kind kind, String reference, long paymentId, Long refundId, String paymentReference,
                               long orderId, String orderNumber, long customerId, String invoiceNumber, String provider,
                               String providerTransactionId, BigDecimal amount, String currency, Instant occurredAt) {

    public enum Kind { RECEIPT, REFUND }

    public static String receiptReference(long paymentId) {
        return "CRM-P-%010d".formatted(paymentId);
    }

    public static String refundReference(long refundId) {
        return "CRM-R-%010d".formatted(refundId);
    }

    /** The flows' entity type for links and the sync journal: PAYMENT or REFUND. */
    public String entityType() {
        return kind == Kind.RECEIPT ? "PAYMENT" : "REFUND";
    }

    /** The CRM id of the posted thing (the payment or the refund). */
    public long entityId() {
        return kind == Kind.RECEIPT ? paymentId : refundId;
    }

    /** What the ERP clears the posting against: the invoice if there is one, otherwise our order number. */
    public String clearingReference() {
        return invoiceNumber != null ? invoiceNumber : orderNumber;
    }
}
