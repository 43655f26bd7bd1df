package io.crmhub.crm.order;

import io.crmhub.crm.canonical.CanonicalOrder;
import io.crmhub.crm.link.ExternalReference;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

public record OrderView(long id, String orderNumber, long customerId, OrderStatus status, String currency,
                        BigDecimal totalAmount, BigDecimal paidAmount, String note, long version, Instant createdAt,
                        Instant updatedAt, List<CanonicalOrder.Line> lines, List<ExternalReference> externalReferences) {

    static OrderView of(Order o, List<ExternalReference> refs) {
        return new OrderView(o.id(), o.orderNumber(), o.customerId(), o.status(), o.currency(), o.totalAmount(),
                o.paidAmount(), o.note(), o.version(), o.createdAt(), o.updatedAt(), o.lines(), refs);
    }
}
