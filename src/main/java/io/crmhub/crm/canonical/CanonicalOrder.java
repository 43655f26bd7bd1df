package io.crmhub.crm.canonical;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** An order as it travels on {@code crm.order.changed}: full state at {@code version}. Money is exact. */
public record CanonicalOrder(long id, String orderNumber, long version, long customerId, String customerReference,
                             String status, String currency, BigDecimal totalAmount, BigDecimal paidAmount, String note,
                             List<Line> lines, Instant updatedAt) {

    public record Line(int lineNo, String sku, String description, BigDecimal quantity, String unit,
                       BigDecimal unitPrice, BigDecimal lineAmount) {
    }
}
