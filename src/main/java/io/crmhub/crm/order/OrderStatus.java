package io.crmhub.crm.order;

import java.util.Set;

/** Order life cycle in the CRM. Confirmed orders go to the ERP; cancelled ones are final. */
public enum OrderStatus {
    DRAFT, CONFIRMED, CANCELLED;

    boolean canBecome(OrderStatus next) {
        return this == next || switch (this) {
            case DRAFT -> Set.of(CONFIRMED, CANCELLED).contains(next);
            case CONFIRMED -> next == CANCELLED;
            case CANCELLED -> false;
        };
    }
}
