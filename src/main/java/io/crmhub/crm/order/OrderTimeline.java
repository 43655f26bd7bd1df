package io.crmhub.crm.order;

import io.crmhub.crm.common.Money;
import io.crmhub.crm.common.NotFoundException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What happened to an order outside the CRM, in time order, for sales: the ERP order created (with its number) and
 * updated, payments requested and received, refunds. Built from the sync journal and the payment records, so it
 * shows what actually happened, not what was intended.
 */
@Component
public class OrderTimeline {
    private final JdbcClient jdbc;

    OrderTimeline(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param kind        ERP_ORDER_CREATED, ERP_ORDER_UPDATED, ERP_STATUS_CHANGED, INVOICE_ISSUED, PAYMENT_REQUESTED, PAYMENT_RECEIVED,
     *                    REFUND_COMPLETED, ERP_PAYMENT_POSTED, ERP_REFUND_POSTED
     * @param system      the external system (e.g. {@code erp-sap}, {@code wechatpay})
     * @param externalId  its number for the thing (sales order, transaction, refund)
     */
    public record Entry(Instant at, String kind, String system, String externalId, String description) {
    }

    /** The order's timeline, if the order is in {@code scope}. */
    public List<Entry> of(long orderId, io.crmhub.crm.common.DataScope scope) {
        record OrderRow(String number, String currency) {
        }
        OrderRow order = jdbc.sql("SELECT order_number, currency FROM sales_order WHERE id = ?" + scope.filter("owner"))
                .params(scope.params(List.of(orderId)))
                .query((rs, n) -> new OrderRow(rs.getString(1), rs.getString(2).trim())).optional()
                .orElseThrow(() -> new NotFoundException("order", orderId));
        List<Entry> entries = new ArrayList<>();
        jdbc.sql("""
                SELECT occurred_at, system, external_id, message, entity_version FROM sync_journal
                WHERE entity_type = 'ORDER' AND entity_id = ? AND outcome = 'SYNCED' ORDER BY occurred_at, id""")
                .param(orderId)
                .query((rs, n) -> {
                    boolean created = "created".equals(rs.getString(4));
                    return new Entry(rs.getTimestamp(1).toInstant(), created ? "ERP_ORDER_CREATED" : "ERP_ORDER_UPDATED",
                            rs.getString(2), rs.getString(3), (created ? "ERP order " + rs.getString(3) + " created"
                            : "ERP order " + rs.getString(3) + " updated") + " from order version " + rs.getLong(5));
                })
                .list().forEach(entries::add);
        jdbc.sql("""
                SELECT created_at, paid_at, provider, payment_reference, provider_txn_id, status, amount, currency, review_reason
                FROM payment WHERE order_id = ? ORDER BY id""")
                .param(orderId)
                .query((rs, n) -> {
                    String provider = rs.getString(3);
                    String amount = money(rs.getBigDecimal(7), rs.getString(8));
                    entries.add(new Entry(rs.getTimestamp(1).toInstant(), "PAYMENT_REQUESTED", provider, rs.getString(4),
                            "payment " + rs.getString(4) + " of " + amount + " requested through " + provider));
                    if (rs.getString(5) != null && rs.getTimestamp(2) != null) {
                        String review = rs.getString(9);
                        // providers report the payment time to the second; never before we asked for the payment
                        java.time.Instant paidAt = rs.getTimestamp(2).toInstant();
                        java.time.Instant requested = rs.getTimestamp(1).toInstant();
                        entries.add(new Entry(paidAt.isBefore(requested) ? requested : paidAt, "PAYMENT_RECEIVED", provider, rs.getString(5),
                                amount + " received through " + provider + " (transaction " + rs.getString(5) + ")"
                                        + (review == null ? "" : "; for finance to review: " + review)));
                    }
                    return null;
                })
                .list();
        jdbc.sql("""
                SELECT r.updated_at, p.provider, r.provider_refund_id, r.refund_reference, r.amount, r.currency
                FROM refund r JOIN payment p ON p.id = r.payment_id
                WHERE p.order_id = ? AND r.status = 'SUCCEEDED' ORDER BY r.id""")
                .param(orderId)
                .query((rs, n) -> new Entry(rs.getTimestamp(1).toInstant(), "REFUND_COMPLETED", rs.getString(2),
                        rs.getString(3) == null ? rs.getString(4) : rs.getString(3),
                        money(rs.getBigDecimal(5), rs.getString(6)) + " refunded through " + rs.getString(2)))
                .list().forEach(entries::add);
        // the ERP postings of this order's payments and refunds (first successful sync of each)
        java.util.Set<String> postedOnce = new java.util.HashSet<>();
        jdbc.sql("""
                SELECT j.occurred_at, j.system, j.external_id, j.entity_type, p.payment_reference, j.entity_id FROM sync_journal j
                JOIN payment p ON j.entity_type = 'PAYMENT' AND p.id = j.entity_id
                WHERE p.order_id = ? AND j.outcome = 'SYNCED'
                UNION ALL
                SELECT j.occurred_at, j.system, j.external_id, j.entity_type, r.refund_reference, j.entity_id FROM sync_journal j
                JOIN refund r ON j.entity_type = 'REFUND' AND r.id = j.entity_id JOIN payment p ON p.id = r.payment_id
                WHERE p.order_id = ? AND j.outcome = 'SYNCED' ORDER BY 1""")
                .params(orderId, orderId)
                .query((rs, n) -> {
                    if (!postedOnce.add(rs.getString(4) + rs.getLong(6))) {
                        return null; // a resync that found the posting again
                    }
                    boolean payment = "PAYMENT".equals(rs.getString(4));
                    return new Entry(rs.getTimestamp(1).toInstant(), payment ? "ERP_PAYMENT_POSTED" : "ERP_REFUND_POSTED", rs.getString(2),
                            rs.getString(3), (payment ? "payment " : "refund ") + rs.getString(5) + " posted in the ERP as " + rs.getString(3));
                })
                .list().stream().filter(java.util.Objects::nonNull).forEach(entries::add);
        jdbc.sql("""
                SELECT changed_at, system, external_id, status, delivery FROM order_erp_status WHERE order_id = ? ORDER BY changed_at, id""")
                .param(orderId)
                .query((rs, n) -> new Entry(rs.getTimestamp(1).toInstant(), "ERP_STATUS_CHANGED", rs.getString(2), rs.getString(3),
                        "ERP order " + rs.getString(3) + ": " + rs.getString(4) + ", " + rs.getString(5).replace('_', ' ').toLowerCase()))
                .list().forEach(entries::add);
        jdbc.sql("""
                SELECT created_at, erp_system, invoice_number, total_amount, currency, due_date FROM invoice WHERE order_id = ? ORDER BY id""")
                .param(orderId)
                .query((rs, n) -> new Entry(rs.getTimestamp(1).toInstant(), "INVOICE_ISSUED", rs.getString(2), rs.getString(3),
                        "invoice " + rs.getString(3) + " of " + money(rs.getBigDecimal(4), rs.getString(5)) + " issued, due "
                                + rs.getDate(6).toLocalDate()))
                .list().forEach(entries::add);
        // the ERP stamps its first status with its own clock, a few ms before we journal its answer: never before creation
        entries.stream().filter(e -> e.kind().equals("ERP_ORDER_CREATED")).findFirst().ifPresent(created ->
                entries.replaceAll(e -> e.kind().equals("ERP_STATUS_CHANGED") && e.at().isBefore(created.at())
                        ? new Entry(created.at(), e.kind(), e.system(), e.externalId(), e.description()) : e));
        entries.sort(Comparator.comparing(Entry::at)
                .thenComparing(e -> e.kind().equals("ERP_STATUS_CHANGED") ? 1 : 0)); // stable: a payment requested and received in the same instant stays in that order
        return entries;
    }

    private static String money(BigDecimal amount, String currency) {
        return Money.round(amount, currency.trim()).toPlainString() + " " + currency.trim();
    }
}
