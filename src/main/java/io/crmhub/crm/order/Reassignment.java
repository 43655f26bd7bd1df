package io.crmhub.crm.order;

import io.crmhub.crm.common.AuditTrail;
import io.crmhub.crm.common.DataScope;
import io.crmhub.crm.common.NotFoundException;
import io.crmhub.crm.customer.CustomerService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An engineer gives a customer or an order another owner (data scopes, D43), with a reason, audited with before and
 * after in the same transaction. A customer's orders that had its previous owner follow it (unless told not to);
 * orders given to someone else on purpose keep their owner. No event: the owner is the CRM's own, not the ERPs'.
 */
@Service
class Reassignment {
    static final String ACTION = "owner.reassign";

    private final CustomerService customers;
    private final OrderRepository orders;
    private final AuditTrail audit;

    Reassignment(CustomerService customers, OrderRepository orders, AuditTrail audit) {
        this.customers = customers;
        this.orders = orders;
        this.audit = audit;
    }

    /** What changed hands: the customer's or order's id, the owners before and after, and the orders that followed. */
    record OwnerChange(String entity, long id, String previousOwner, String owner, List<Long> orders) {
    }

    @Transactional
    public OwnerChange customer(long id, String owner, String reason, boolean withOrders) {
        String to = customers.requireKnownOwner(owner.strip());
        String from = customers.changeOwner(id, to).orElse(null);
        List<Long> moved = withOrders && !Objects.equals(from, to) ? orders.moveOrdersOfCustomer(id, from, to) : List.of();
        audit.record(ACTION, CustomerService.AGGREGATE, String.valueOf(id), reason, detail(from, to, moved));
        return new OwnerChange(CustomerService.AGGREGATE, id, from, to, moved);
    }

    @Transactional
    public OwnerChange order(long id, String owner, String reason) {
        String to = customers.requireKnownOwner(owner.strip());
        Order current = orders.findById(id, true, DataScope.all()).orElseThrow(() -> new NotFoundException("order", id));
        orders.updateOwner(id, to);
        audit.record(ACTION, OrderService.AGGREGATE, String.valueOf(id), reason, detail(current.owner(), to, List.of()));
        return new OwnerChange(OrderService.AGGREGATE, id, current.owner(), to, List.of());
    }

    private static Map<String, Object> detail(String from, String to, List<Long> moved) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("from", from); // null: it was unowned
        detail.put("to", to);
        if (!moved.isEmpty()) {
            detail.put("orders", moved);
        }
        return detail;
    }
}
