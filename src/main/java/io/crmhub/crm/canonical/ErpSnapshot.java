package io.crmhub.crm.canonical;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The ERP's side of a reconciliation: what it holds for a window of creation dates, in the hub's terms. Implemented
 * by the installation's ERP connector (SAP business partners, sales orders, billing documents; Kingdee alike).
 */
public interface ErpSnapshot {

    String system();

    /** Customers created in [from, to] that carry one of our references ({@code CRM-C-…}). */
    List<Record> customers(LocalDate from, LocalDate to);

    /**
     * Sales orders created in [from, to]; {@code reference} is our order number, {@code amount} the net amount, or the
     * gross where {@link #ordersAtNet()} says so.
     */
    List<Record> orders(LocalDate from, LocalDate to);

    /** Whether {@link #orders} states net amounts (SAP's TotalNetAmount) rather than gross (Kingdee's 价税合计). */
    default boolean ordersAtNet() {
        return true;
    }

    /** Invoices dated in [from, to]; {@code reference} is the invoice number, {@code amount} the gross amount. */
    List<Record> invoices(LocalDate from, LocalDate to);

    /**
     * Payments and refunds the hub posted, by posting date in [from, to]: {@code reference} is our posting reference
     * ({@code CRM-P-…}/{@code CRM-R-…}), {@code amount} positive, {@code status} RECEIPT or REFUND.
     */
    List<Record> payments(LocalDate from, LocalDate to);

    /**
     * The fields the customer flow writes to this ERP, with the values it writes for {@code customer} (ERP field names,
     * empty text for a field that is cleared), so reconciliation can compare them with {@link Record#fields()} of the
     * ERP's record. An unmapped code throws, as in the flow.
     */
    default Map<String, String> customerFields(CanonicalCustomer customer) {
        return Map.of();
    }

    /**
     * The fields the order flow writes besides amount, currency and status (the customer, the open items), with the
     * values it writes for {@code order} sold to {@code customerExternalId}; compared with {@link Record#fields()}.
     */
    default Map<String, String> orderFields(CanonicalOrder order, String customerExternalId) {
        return Map.of();
    }

    /**
     * @param status for orders ACTIVE or CANCELLED; for invoices OPEN or CANCELLED; for customers ACTIVE
     * @param fields what the ERP holds in the fields of {@link #customerFields} or {@link #orderFields} (empty: not compared)
     */
    record Record(String externalId, String reference, BigDecimal amount, String currency, String status, Map<String, String> fields) {
        public Record(String externalId, String reference, BigDecimal amount, String currency, String status) {
            this(externalId, reference, amount, currency, status, Map.of());
        }
    }
}
