package io.crmhub.crm.canonical;

import java.time.Instant;
import java.util.List;

/** The ERP's progress on the sales orders made from CRM orders, changed since a point in time, oldest change first. */
public interface ErpOrderStatusSource {

    String system();

    /** @param since changes at or after this instant (inclusive) */
    /** Orders whose last change is in [{@code since}, {@code until}], oldest first, at most {@code max}. */
    List<ErpOrderStatus> changedBetween(Instant since, Instant until, int max);

    /**
     * @param salesOrder the ERP's number (our order's external id); {@code reference} our order number
     * @param status     in the hub's terms: OPEN, IN_PROCESS, COMPLETED or REJECTED (through the dialect's value map)
     * @param delivery   NOT_DELIVERED, PARTIALLY_DELIVERED, DELIVERED or NOT_RELEVANT
     */
    /** @param unmapped why the status cannot be taken over (a code no value map knows), else null: parked, not stored */
    record ErpOrderStatus(String salesOrder, String reference, String status, String delivery, Instant changedAt, String unmapped) {
    }
}
