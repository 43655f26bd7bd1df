package io.crmhub.crm.finance;

import io.crmhub.crm.common.Money;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import org.springframework.jdbc.core.RowMapper;

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

    record InvoiceView(long id, String invoiceNumber, Long orderId, long customerId, String status, String currency,
                       BigDecimal totalAmount, BigDecimal paidAmount, LocalDate issueDate, LocalDate dueDate,
                       boolean overdue, long version, Instant createdAt, Instant updatedAt) {
        static final String COLUMNS = "id, invoice_number, order_id, customer_id, status, currency, total_amount, paid_amount, "
                + "issue_date, due_date, overdue, version, created_at, updated_at";
        static final RowMapper<InvoiceView> ROW = (rs, n) -> {
            String currency = rs.getString("currency").trim();
            return new InvoiceView(rs.getLong("id"), rs.getString("invoice_number"), rs.getObject("order_id", Long.class),
                    rs.getLong("customer_id"), rs.getString("status"), currency,
                    Money.presented(rs.getBigDecimal("total_amount"), currency), Money.presented(rs.getBigDecimal("paid_amount"), currency),
                    rs.getDate("issue_date").toLocalDate(), rs.getDate("due_date").toLocalDate(), rs.getBoolean("overdue"),
                    rs.getLong("version"), instant(rs, "created_at"), instant(rs, "updated_at"));
        };
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }
}
