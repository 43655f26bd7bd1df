package io.crmhub.crm.finance;

import io.crmhub.crm.common.Money;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Read models of finance records (writes arrive with the payment and ERP invoice flows). Rows are mapped by their
 * column names, never by probing a record's camelCase names: H2 logs every failed probe into its trace file.
 */
final class FinanceViews {
    private FinanceViews() {
    }

    record PaymentView(long id, long orderId, String paymentReference, String provider, String providerTxnId,
                       String status, String currency, BigDecimal amount, BigDecimal refundedAmount, long version,
                       Instant createdAt, Instant updatedAt, Instant paidAt, String reviewReason) {
        static final String COLUMNS = "id, order_id, payment_reference, provider, provider_txn_id, status, currency, amount, "
                + "refunded_amount, version, created_at, updated_at, paid_at, review_reason";
        static final RowMapper<PaymentView> ROW = (rs, n) -> {
            String currency = rs.getString("currency").trim();
            return new PaymentView(rs.getLong("id"), rs.getLong("order_id"), rs.getString("payment_reference"),
                    rs.getString("provider"), rs.getString("provider_txn_id"), rs.getString("status"), currency,
                    Money.presented(rs.getBigDecimal("amount"), currency), Money.presented(rs.getBigDecimal("refunded_amount"), currency),
                    rs.getLong("version"), instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "paid_at"),
                    rs.getString("review_reason"));
        };
    }

    /**
     * An invoice as the ERP states it (gross in {@code totalAmount}, {@code netAmount} and {@code taxAmount} where the ERP
     * states them) and as the hub settled it: {@code paidAmount} allocated from the order's payments, {@code openAmount}
     * what is left after payments and credit notes ({@code creditedAmount}), {@code status} OPEN, PARTIALLY_PAID, PAID,
     * CREDITED or CANCELLED (D47). A credit note ({@code kind} CREDIT_NOTE, {@code creditFor} the invoice it names) has
     * no open amount of its own.
     */
    record InvoiceView(long id, String invoiceNumber, String kind, String creditFor, Long orderId, long customerId, String status,
                       String currency, BigDecimal totalAmount, BigDecimal netAmount, BigDecimal taxAmount, BigDecimal paidAmount,
                       BigDecimal creditedAmount, BigDecimal openAmount, LocalDate issueDate, LocalDate dueDate, boolean overdue,
                       long version, Instant createdAt, Instant updatedAt, List<InvoiceLine> lines, List<Allocation> allocations) {
        static final String COLUMNS = "id, invoice_number, order_id, customer_id, status, currency, total_amount, paid_amount, "
                + "issue_date, due_date, overdue, version, created_at, updated_at, net_amount, tax_amount, document_kind, credit_for, "
                + "credited_amount";
        static final RowMapper<InvoiceView> ROW = (rs, n) -> {
            String currency = rs.getString("currency").trim();
            BigDecimal total = rs.getBigDecimal("total_amount");
            BigDecimal paid = rs.getBigDecimal("paid_amount");
            BigDecimal credited = rs.getBigDecimal("credited_amount");
            boolean invoice = "INVOICE".equals(rs.getString("document_kind"));
            return new InvoiceView(rs.getLong("id"), rs.getString("invoice_number"), rs.getString("document_kind"), rs.getString("credit_for"),
                    rs.getObject("order_id", Long.class), rs.getLong("customer_id"), rs.getString("status"), currency,
                    Money.presented(total, currency), Money.presented(rs.getBigDecimal("net_amount"), currency),
                    Money.presented(rs.getBigDecimal("tax_amount"), currency), Money.presented(paid, currency),
                    Money.presented(credited, currency),
                    Money.presented(!invoice || "CANCELLED".equals(rs.getString("status")) ? BigDecimal.ZERO
                            : total.subtract(paid).subtract(credited).max(BigDecimal.ZERO), currency),
                    rs.getDate("issue_date").toLocalDate(), rs.getDate("due_date").toLocalDate(), rs.getBoolean("overdue"),
                    rs.getLong("version"), instant(rs, "created_at"), instant(rs, "updated_at"), List.of(), List.of());
        };

        /** With its lines and the payments allocated to it. */
        InvoiceView withDetails(JdbcClient jdbc) {
            List<InvoiceLine> lines = jdbc.sql("""
                    SELECT line_no, sales_order_item, tax_rate, net_amount, tax_amount, gross_amount FROM invoice_line
                    WHERE invoice_id = ? ORDER BY line_no""").param(id)
                    .query((rs, n) -> new InvoiceLine(rs.getInt(1), rs.getString(2),
                            rs.getBigDecimal(3) == null ? null : rs.getBigDecimal(3).stripTrailingZeros(),
                            Money.presented(rs.getBigDecimal(4), currency), Money.presented(rs.getBigDecimal(5), currency),
                            Money.presented(rs.getBigDecimal(6), currency))).list();
            List<Allocation> allocations = jdbc.sql("""
                    SELECT a.payment_id, p.payment_reference, p.provider, a.amount FROM payment_allocation a
                    JOIN payment p ON p.id = a.payment_id WHERE a.invoice_id = ? ORDER BY a.payment_id""").param(id)
                    .query((rs, n) -> new Allocation(rs.getLong(1), rs.getString(2), rs.getString(3),
                            Money.presented(rs.getBigDecimal(4), currency))).list();
            return new InvoiceView(id, invoiceNumber, kind, creditFor, orderId, customerId, status, currency, totalAmount, netAmount,
                    taxAmount, paidAmount, creditedAmount, openAmount, issueDate, dueDate, overdue, version, createdAt, updatedAt, lines,
                    allocations);
        }
    }

    /** @param taxRate as the ERP states it (0.13), absent where it states only amounts */
    record InvoiceLine(int lineNo, String erpItem, BigDecimal taxRate, BigDecimal netAmount, BigDecimal taxAmount,
                       BigDecimal grossAmount) {
    }

    record Allocation(long paymentId, String paymentReference, String provider, BigDecimal amount) {
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }
}
