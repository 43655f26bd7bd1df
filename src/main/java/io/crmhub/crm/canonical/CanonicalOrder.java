package io.crmhub.crm.canonical;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An order as it travels on {@code crm.order.changed}: full state at {@code version}. Money is exact.
 * {@code totalAmount} is what the customer pays (gross); {@code netAmount} and {@code taxAmount} its parts (D46). An
 * event written before tax was explicit has {@code pricesIncludeTax} false, no tax codes and no net or tax amounts:
 * its prices are net and no tax is stated.
 */
public record CanonicalOrder(long id, String orderNumber, long version, long customerId, String customerReference,
                             String status, String currency, BigDecimal totalAmount, BigDecimal paidAmount, String note,
                             List<Line> lines, Instant updatedAt, boolean pricesIncludeTax, BigDecimal netAmount,
                             BigDecimal taxAmount) {

    /**
     * @param lineAmount quantity × unit price, rounded: the gross amount with tax-inclusive prices, else the net
     * @param taxCode    the CRM's tax code ({@code VAT13}); null on orders from before tax was explicit
     * @param taxRate    its rate when the order was written ({@code 0.13})
     */
    public record Line(int lineNo, String sku, String description, BigDecimal quantity, String unit,
                       BigDecimal unitPrice, BigDecimal lineAmount, String taxCode, BigDecimal taxRate,
                       BigDecimal netAmount, BigDecimal taxAmount, BigDecimal grossAmount) {
    }
}
