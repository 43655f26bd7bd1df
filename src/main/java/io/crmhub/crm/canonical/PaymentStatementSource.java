package io.crmhub.crm.canonical;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * What the CRM asks of a payment connector for three-way reconciliation (D49): the provider's own statement of one
 * day — every payment and refund it settled, with its fee — in the hub's terms. Each connector speaks its provider's
 * bill format (WeChat Pay trade bill, Alipay 业务明细, Stripe balance transactions) and verifies the file as the
 * provider specifies; the CRM stores and matches the rows.
 */
public interface PaymentStatementSource {

    /** The provider name payments carry ({@code wechatpay}). */
    String provider();

    /** The zone whose calendar day a statement covers (Beijing time for WeChat Pay and Alipay, UTC for Stripe). */
    ZoneId zone();

    /**
     * The statement of {@code day}. A day the provider settled nothing is an empty statement, not an error.
     *
     * @throws StatementNotReadyException when the provider has not made it yet (try later)
     */
    Statement statement(LocalDate day);

    /**
     * @param rows  every payment and refund row, in the provider's order
     * @param feeRate the provider's contracted fee rate as configured for the connector (0.006), null if not configured:
     *              each payment's fee is then only reported, not checked
     */
    record Statement(String provider, LocalDate day, List<Row> rows, BigDecimal feeRate) {
    }

    enum Kind { PAYMENT, REFUND }

    /**
     * One statement row.
     *
     * @param reference  our reference: the payment reference ({@code out_trade_no}) or, for a refund, the refund reference
     * @param providerId the provider's id of the payment or refund (transaction id, refund id, charge id)
     * @param paymentReference for a refund, the payment it refunds (our reference), else the same as {@code reference}
     * @param amount     positive, in {@code currency}, exact
     * @param fee        the provider's fee on this row (for a refund the fee it returns, as a positive number), exact; zero if none
     */
    record Row(Kind kind, String reference, String providerId, String paymentReference, BigDecimal amount, BigDecimal fee,
               String currency, Instant at) {
    }

    /** The provider has not produced the statement yet (WeChat Pay before 10:00 the next day, STATEMENT_CREATING). */
    class StatementNotReadyException extends RuntimeException {
        public StatementNotReadyException(String message) {
            super(message);
        }
    }
}
