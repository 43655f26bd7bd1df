package io.crmhub.crm.order;

import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.crm.canonical.CanonicalOrder;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An order row; {@code owner} (data scopes, D43) is the CRM's own, not sent to ERPs. {@code totalAmount} is the gross
 * the customer pays, {@code netAmount} + {@code taxAmount} (D46).
 */
public record Order(long id, String orderNumber, long customerId, OrderStatus status, String currency,
                    BigDecimal totalAmount, BigDecimal paidAmount, String note, long version, Instant createdAt,
                    Instant updatedAt, List<CanonicalOrder.Line> lines, String owner, boolean pricesIncludeTax,
                    BigDecimal netAmount, BigDecimal taxAmount) {

    CanonicalOrder toCanonical() {
        return new CanonicalOrder(id, orderNumber, version, customerId, CanonicalCustomer.referenceOf(customerId),
                status.name(), currency, totalAmount, paidAmount, note, lines, updatedAt, pricesIncludeTax, netAmount, taxAmount);
    }
}
