package io.crmhub.crm.order;

import io.crmhub.crm.canonical.CanonicalOrder;
import io.crmhub.crm.common.Money;
import io.crmhub.crm.link.ExternalReference;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

public record OrderView(long id, String orderNumber, long customerId, OrderStatus status, String currency,
                        @io.swagger.v3.oas.annotations.media.Schema(description = "What the customer pays: net + tax")
                        BigDecimal totalAmount, BigDecimal paidAmount, boolean pricesIncludeTax, BigDecimal netAmount,
                        BigDecimal taxAmount, String note, long version, Instant createdAt,
                        Instant updatedAt, List<CanonicalOrder.Line> lines, List<ExternalReference> externalReferences,
                        @io.swagger.v3.oas.annotations.media.Schema(description = "The SALES user or team:<name> the order "
                                + "belongs to (by default its customer's owner); absent: unowned") String owner) {

    /** Amounts at the currency's scale; a unit price keeps the further decimals it was given (the store keeps 4). */
    static OrderView of(Order o, List<ExternalReference> refs) {
        List<CanonicalOrder.Line> lines = o.lines().stream().map(l -> new CanonicalOrder.Line(l.lineNo(), l.sku(), l.description(),
                l.quantity(), l.unit(), Money.presented(l.unitPrice(), o.currency()), Money.presented(l.lineAmount(), o.currency()),
                l.taxCode(), l.taxRate(), Money.presented(l.netAmount(), o.currency()), Money.presented(l.taxAmount(), o.currency()),
                Money.presented(l.grossAmount(), o.currency()))).toList();
        return new OrderView(o.id(), o.orderNumber(), o.customerId(), o.status(), o.currency(),
                Money.presented(o.totalAmount(), o.currency()), Money.presented(o.paidAmount(), o.currency()), o.pricesIncludeTax(),
                Money.presented(o.netAmount(), o.currency()), Money.presented(o.taxAmount(), o.currency()), o.note(), o.version(),
                o.createdAt(), o.updatedAt(), lines, refs, o.owner());
    }
}
