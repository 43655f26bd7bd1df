package io.crmhub.crm.order;

import io.crmhub.crm.canonical.CanonicalOrder;
import io.crmhub.crm.common.DataScope;
import io.crmhub.crm.common.Money;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

@Repository
class OrderRepository {
    private static final String COLUMNS = "id, order_number, customer_id, status, currency, total_amount, paid_amount, "
            + "note, version, created_at, updated_at, owner, prices_include_tax, net_amount, tax_amount";
    private final JdbcClient jdbc;

    OrderRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the order and its lines; the order number is derived from the id ({@code SO-0000000042}). */
    Order insert(Order o) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO sales_order (order_number, customer_id, status, currency, total_amount, paid_amount, note,
                                         version, created_at, updated_at, owner, prices_include_tax, net_amount, tax_amount)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params("tmp-" + UUID.randomUUID(), o.customerId(), o.status().name(), o.currency(), o.totalAmount(),
                        o.paidAmount(), o.note(), o.version(), Timestamp.from(o.createdAt()), Timestamp.from(o.updatedAt()), o.owner(),
                        o.pricesIncludeTax(), o.netAmount(), o.taxAmount())
                .update(keys, "id");
        long id = keys.getKey().longValue();
        String number = "SO-%010d".formatted(id);
        jdbc.sql("UPDATE sales_order SET order_number = ? WHERE id = ?").params(number, id).update();
        insertLines(id, o.lines());
        return new Order(id, number, o.customerId(), o.status(), o.currency(), o.totalAmount(), o.paidAmount(), o.note(),
                o.version(), o.createdAt(), o.updatedAt(), o.lines(), o.owner(), o.pricesIncludeTax(), o.netAmount(), o.taxAmount());
    }

    boolean update(Order o, long expectedVersion) {
        int rows = jdbc.sql("""
                UPDATE sales_order SET status = ?, currency = ?, total_amount = ?, note = ?, version = ?, updated_at = ?,
                       prices_include_tax = ?, net_amount = ?, tax_amount = ?
                WHERE id = ? AND version = ?""")
                .params(o.status().name(), o.currency(), o.totalAmount(), o.note(), o.version(),
                        Timestamp.from(o.updatedAt()), o.pricesIncludeTax(), o.netAmount(), o.taxAmount(), o.id(), expectedVersion)
                .update();
        if (rows == 1) {
            jdbc.sql("DELETE FROM sales_order_line WHERE order_id = ?").param(o.id()).update();
            insertLines(o.id(), o.lines());
        }
        return rows == 1;
    }

    private void insertLines(long orderId, List<CanonicalOrder.Line> lines) {
        for (CanonicalOrder.Line l : lines) {
            jdbc.sql("""
                    INSERT INTO sales_order_line (order_id, line_no, sku, description, quantity, unit, unit_price, line_amount,
                                                  tax_code, tax_rate, net_amount, tax_amount)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(orderId, l.lineNo(), l.sku(), l.description(), l.quantity(), l.unit(), l.unitPrice(), l.lineAmount(),
                            l.taxCode(), l.taxRate(), l.netAmount(), l.taxAmount())
                    .update();
        }
    }

    /** The order if it is in {@code scope} (another owner's order is not found). */
    Optional<Order> findById(long id, boolean forUpdate, DataScope scope) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sales_order WHERE id = ?" + scope.filter("owner") + (forUpdate ? " FOR UPDATE" : ""))
                .params(scope.params(List.of(id))).query(this::map).optional();
    }

    /**
     * What money is already recorded against the order — "payments" (succeeded, refunded or in review) or "invoices"
     * — if any; such an order keeps its lines, currency and amounts (D44).
     */
    Optional<String> moneyRecorded(long orderId) {
        if (jdbc.sql("SELECT COUNT(*) FROM payment WHERE order_id = ? AND status IN ('SUCCEEDED', 'REFUNDED', 'NEEDS_REVIEW')")
                .param(orderId).query(Long.class).single() > 0) {
            return Optional.of("payments");
        }
        if (jdbc.sql("SELECT COUNT(*) FROM invoice WHERE order_id = ?").param(orderId).query(Long.class).single() > 0) {
            return Optional.of("invoices");
        }
        return Optional.empty();
    }

    List<Order> page(Long customerId, DataScope scope, long offset, int size) {
        if (customerId != null) {
            return jdbc.sql("SELECT " + COLUMNS + " FROM sales_order WHERE customer_id = ?" + scope.filter("owner") + " ORDER BY id LIMIT ? OFFSET ?")
                    .params(scope.params(List.of(customerId), size, offset)).query(this::map).list();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM sales_order WHERE 1 = 1" + scope.filter("owner") + " ORDER BY id LIMIT ? OFFSET ?")
                .params(scope.params(List.of(), size, offset)).query(this::map).list();
    }

    long count(Long customerId, DataScope scope) {
        return customerId == null
                ? jdbc.sql("SELECT COUNT(*) FROM sales_order WHERE 1 = 1" + scope.filter("owner")).params(scope.params())
                        .query(Long.class).single()
                : jdbc.sql("SELECT COUNT(*) FROM sales_order WHERE customer_id = ?" + scope.filter("owner"))
                        .params(scope.params(List.of(customerId))).query(Long.class).single();
    }

    /** Gives the order another owner; its version (the state the ERPs receive) stays. */
    void updateOwner(long id, String owner) {
        jdbc.sql("UPDATE sales_order SET owner = ? WHERE id = ?").params(owner, id).update();
    }

    /** Moves the customer's orders of {@code from} (null: unowned) to {@code to}; answers their ids. */
    List<Long> moveOrdersOfCustomer(long customerId, String from, String to) {
        List<Long> ids = from == null
                ? jdbc.sql("SELECT id FROM sales_order WHERE customer_id = ? AND owner IS NULL ORDER BY id FOR UPDATE")
                        .param(customerId).query(Long.class).list()
                : jdbc.sql("SELECT id FROM sales_order WHERE customer_id = ? AND owner = ? ORDER BY id FOR UPDATE")
                        .params(customerId, from).query(Long.class).list();
        ids.forEach(id -> updateOwner(id, to));
        return ids;
    }

    private List<CanonicalOrder.Line> lines(long orderId, String currency) {
        return jdbc.sql("""
                SELECT line_no, sku, description, quantity, unit, unit_price, line_amount, tax_code, tax_rate, net_amount, tax_amount
                FROM sales_order_line WHERE order_id = ? ORDER BY line_no""")
                .param(orderId)
                .query((rs, n) -> {
                    // a line written without tax (before D46, or by hand) is net with no tax stated
                    BigDecimal net = Money.scaled(rs.getBigDecimal(10) == null ? rs.getBigDecimal(7) : rs.getBigDecimal(10), currency);
                    BigDecimal tax = Money.scaled(rs.getBigDecimal(11) == null ? BigDecimal.ZERO : rs.getBigDecimal(11), currency);
                    return new CanonicalOrder.Line(rs.getInt(1), rs.getString(2), rs.getString(3),
                            rs.getBigDecimal(4).stripTrailingZeros(), rs.getString(5), rs.getBigDecimal(6).setScale(4),
                            Money.scaled(rs.getBigDecimal(7), currency), rs.getString(8),
                            rs.getBigDecimal(9) == null ? BigDecimal.ZERO : rs.getBigDecimal(9).stripTrailingZeros(),
                            net, tax, net.add(tax));
                })
                .list();
    }

    private Order map(ResultSet rs, int row) throws SQLException {
        long id = rs.getLong("id");
        String currency = rs.getString("currency");
        return new Order(id, rs.getString("order_number"), rs.getLong("customer_id"), OrderStatus.valueOf(rs.getString("status")),
                currency, Money.scaled(rs.getBigDecimal("total_amount"), currency), Money.scaled(rs.getBigDecimal("paid_amount"), currency),
                rs.getString("note"), rs.getLong("version"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), new ArrayList<>(lines(id, currency)), rs.getString("owner"),
                rs.getBoolean("prices_include_tax"),
                Money.scaled(rs.getBigDecimal("net_amount") == null ? rs.getBigDecimal("total_amount") : rs.getBigDecimal("net_amount"), currency),
                Money.scaled(rs.getBigDecimal("tax_amount") == null ? BigDecimal.ZERO : rs.getBigDecimal("tax_amount"), currency));
    }
}
