package io.crmhub.connector.erp.kingdee;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.ErpOrderStatusSource;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.mapping.ValueMaps;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Progress of Kingdee sales orders ({@code SAL_SaleOrder}, ExecuteBillQuery by {@code FModifyDate}) through
 * {@code mappings/kingdee/order-status.yaml} and {@code delivery-status.yaml}; an unmapped code stops the poll naming
 * the table and the code. {@code FBillNo} is our order number and the order's external id (D24), so it is both the
 * sales order and the reference.
 * <p>
 * Kingdee has no single status like SAP's: the order-status code is the first that applies of cancel status
 * ({@code FCancelStatus}, A normal, B voided), close status ({@code FCloseStatus}, A open, B closed) with the delivery
 * progress (a close with nothing stocked out is a cancellation: the hub's own {@code BillClose}; one after stock-out
 * ends the order) and document status ({@code FDocumentStatus}: Z temporary, A created, B auditing, C audited,
 * D re-audit).
 * <p>
 * Kingdee keeps no delivery status on the bill; progress is read from the entries: {@code FStockOutQty} (累计出库数量,
 * stocked out by sales outbound bills, in the sales unit) against {@code FQty} (ordered, same unit), compared per entry
 * because entries can have different units. Not {@code FDeliQty}: a delivery notice (发货通知) does not mean the goods
 * left; returns ({@code FReturnQty}) are not subtracted: returned goods were delivered. Entry fields make the query
 * answer one row per entry; rows are folded back into one status per bill.
 */
public class KingdeeOrderStatusSource implements ErpOrderStatusSource {
    static final List<String> FIELDS = List.of("FBillNo", "FDocumentStatus", "FCloseStatus", "FCancelStatus", "FModifyDate",
            "FQty", "FStockOutQty");
    static final String ORDER = "FModifyDate ASC,FBillNo ASC";
    private static final String NORMAL = "A";
    /** Rows are paged while one bill's entries fill pages; a cap, should a server ignore StartRow. */
    private static final int MAX_PAGES = 20;

    private final KingdeeClient client;
    private final ValueMaps maps;
    private final KingdeeProperties properties;

    public KingdeeOrderStatusSource(KingdeeClient client, ValueMaps maps, KingdeeProperties properties) {
        this.client = client;
        this.maps = maps;
        this.properties = properties;
    }

    @Override
    public String system() {
        return KingdeeCustomerSink.SYSTEM;
    }

    @Override
    public List<ErpOrderStatus> changedBetween(Instant since, Instant until, int max) {
        String filter = KingdeeInvoiceSource.modifiedBetween(since, until, properties.zone());
        List<Bill> bills = read(filter, max);
        List<ErpOrderStatus> statuses = new ArrayList<>();
        for (Bill bill : bills) {
            String delivery = bill.delivery();
            try {
                statuses.add(new ErpOrderStatus(bill.number(), bill.number(), maps.translate(KingdeeOrderMapper.PROVIDER, "order-status",
                        bill.statusCode(delivery)), maps.translate(KingdeeOrderMapper.PROVIDER, "delivery-status", delivery), bill.changedAt(), null));
            } catch (io.crmhub.routing.mapping.UnmappedValueException e) {
                statuses.add(new ErpOrderStatus(bill.number(), bill.number(), null, null, bill.changedAt(), e.getMessage())); // parked by the poller
            }
        }
        return statuses;
    }

    /**
     * Up to {@code max} whole bills. Limit counts rows (entries), so a full page may end inside a bill: pages are read
     * on until a bill after the {@code max}-th starts or the rows run out, and a bill the last page may have cut is
     * left for the next read (the watermark stops before it).
     */
    private List<Bill> read(String filter, int max) {
        Map<String, Bill> bills = new LinkedHashMap<>();
        int start = 0;
        boolean exhausted = false;
        for (int page = 0; page < MAX_PAGES && !exhausted && bills.size() <= max; page++) {
            List<Map<String, JsonNode>> rows = client.query(KingdeeOrderSink.FORM, FIELDS, filter, ORDER, start, max);
            for (Map<String, JsonNode> row : rows) {
                String number = row.get("FBillNo").asText();
                bills.computeIfAbsent(number, n -> new Bill(n, row, properties)).add(row);
            }
            start += rows.size();
            exhausted = rows.size() < max;
        }
        List<Bill> whole = new ArrayList<>(bills.values());
        if (!exhausted) {
            whole.remove(whole.size() - 1);
        }
        return whole.size() > max ? whole.subList(0, max) : whole;
    }

    /** One sales order folded from its entry rows. */
    private static final class Bill {
        private final String number;
        private final String documentStatus;
        private final String closeStatus;
        private final String cancelStatus;
        private final Instant changedAt;
        private boolean anyOut;
        private boolean allOut = true;

        Bill(String number, Map<String, JsonNode> row, KingdeeProperties properties) {
            this.number = number;
            this.documentStatus = row.get("FDocumentStatus").asText("");
            this.closeStatus = row.get("FCloseStatus").asText("");
            this.cancelStatus = row.get("FCancelStatus").asText("");
            this.changedAt = KingdeeInvoiceSource.date(row, "FModifyDate", "sales order " + number).atZone(properties.zone()).toInstant();
        }

        void add(Map<String, JsonNode> row) {
            BigDecimal ordered = quantity(row, "FQty");
            BigDecimal out = quantity(row, "FStockOutQty");
            anyOut |= out.signum() > 0;
            allOut &= out.compareTo(ordered) >= 0; // over-delivery within Kingdee's tolerance is still in full
        }

        String number() {
            return number;
        }

        Instant changedAt() {
            return changedAt;
        }

        /** The code for delivery-status.yaml. */
        String delivery() {
            return !anyOut ? "NONE" : allOut ? "FULL" : "PARTIAL";
        }

        /** The code for order-status.yaml: cancel, then close, then document status. */
        String statusCode(String delivery) {
            if (!NORMAL.equals(cancelStatus)) {
                return "FCancelStatus=" + cancelStatus;
            }
            if (!NORMAL.equals(closeStatus)) {
                return "FCloseStatus=" + closeStatus + "/" + delivery;
            }
            return "FDocumentStatus=" + documentStatus;
        }

        private BigDecimal quantity(Map<String, JsonNode> row, String field) {
            JsonNode value = row.get(field);
            if (value == null || value.isNull()) {
                return BigDecimal.ZERO;
            }
            try {
                return new BigDecimal(value.asText());
            } catch (NumberFormatException e) {
                throw new PermanentConnectorException(KingdeeClient.CONNECTOR, "sales order " + number + " has " + field + " '"
                        + value.asText() + "', not a quantity");
            }
        }
    }
}
