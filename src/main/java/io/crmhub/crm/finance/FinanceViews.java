package io.crmhub.crm.finance;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/** Read models of finance records (writes arrive with the payment and ERP invoice flows). */
final class FinanceViews {
    private FinanceViews() {
    }

    record PaymentView(long id, long orderId, String paymentReference, String provider, String providerTxnId,
                       String status, String currency, BigDecimal amount, BigDecimal refundedAmount, long version,
                       Instant createdAt, Instant updatedAt, Instant paidAt, String reviewReason) {
        PaymentView {
            currency = currency == null ? null : currency.trim();
            amount = currency == null ? amount : io.crmhub.crm.common.Money.scaled(amount, currency);
            refundedAmount = currency == null ? refundedAmount : io.crmhub.crm.common.Money.scaled(refundedAmount, currency);
        }
    }

    record InvoiceView(long id, String invoiceNumber, Long orderId, long customerId, String status, String currency,
                       BigDecimal totalAmount, BigDecimal paidAmount, LocalDate issueDate, LocalDate dueDate,
                       boolean overdue, long version, Instant createdAt, Instant updatedAt) {
    }
}
