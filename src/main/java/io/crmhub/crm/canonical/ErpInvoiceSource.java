package io.crmhub.crm.canonical;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What the CRM asks of the installation's ERP connector for invoices: the invoices changed since a point in time, in
 * change order, a page at a time. The connector speaks its ERP's dialect (SAP billing documents, Kingdee receivables);
 * the poller keeps the watermark.
 */
public interface ErpInvoiceSource {

    /** The external system name, e.g. {@code erp-sap}: the one external links of orders and customers carry. */
    String system();

    /**
     * @param since invoices whose last change is at or after this instant (inclusive: the same instant can hold
     *              several invoices, and a page may end inside it; re-reading one is harmless)
     * @param until and at or before this one (the poller leaves the latest seconds for later: see {@code WatermarkPoller})
     */
    List<ErpInvoice> changedBetween(Instant since, Instant until, int max);

    /**
     * One ERP invoice in the hub's terms, its amounts as the ERP states them.
     *
     * @param salesOrder   the ERP's number of the sales order it bills (our order's external id), null if none
     * @param soldTo       the ERP's number of the customer (our customer's external id)
     * @param totalAmount  gross amount, exact, in {@code currency}
     * @param netAmount    net amount, null if the ERP does not state it
     * @param taxAmount    tax amount, null if the ERP does not state it
     * @param clearedAmount what the ERP has cleared against it (its own clearing or write-off), null if it does not say;
     *                     where stated it is the invoice's paid amount, else the hub allocates its payments (D47)
     * @param status       OPEN or CANCELLED (paid is the hub's to work out)
     * @param lines        its lines with their tax, as the ERP states them (empty if it does not)
     * @param creditNote   a credit note (SAP credit memo, Kingdee red receivable): its amounts are stated positive and
     *                     credit {@code creditFor} or, where the ERP does not name the invoice, the order's invoices
     * @param creditFor    the number of the invoice a credit note credits, null if not stated
     * @param unmapped     why the invoice cannot be taken over (a code no value map knows, naming table and code), else
     *                     null; such an invoice is parked, not stored, and the fields that depend on the code are not set
     */
    record ErpInvoice(String number, String salesOrder, String soldTo, String currency, BigDecimal totalAmount,
                      BigDecimal netAmount, BigDecimal taxAmount, BigDecimal clearedAmount, LocalDate issueDate,
                      LocalDate dueDate, String status, Instant changedAt, List<Line> lines, String unmapped,
                      boolean creditNote, String creditFor) {
    }

    /**
     * @param item     the ERP's item or entry number, null if none
     * @param taxRate  the rate as the ERP states it (0.13), null if it states only amounts (SAP's billing items)
     */
    record Line(String item, BigDecimal taxRate, BigDecimal netAmount, BigDecimal taxAmount, BigDecimal grossAmount) {
    }
}
