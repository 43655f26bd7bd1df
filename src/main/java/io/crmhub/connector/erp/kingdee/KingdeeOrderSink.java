package io.crmhub.connector.erp.kingdee;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.CanonicalOrder;
import io.crmhub.routing.ConnectorResult;
import io.crmhub.routing.ForeignRecordException;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.mapping.ValueMaps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Variable;

/**
 * Upserts a confirmed CRM order as a Kingdee {@code SAL_SaleOrder} (connector {@code erp-kingdee-order-sink}).
 * Our order number is the bill number ({@code FBillNo}); it is looked up with ExecuteBillQuery before any create, so a
 * redelivery after a lost answer never creates a second order. A change re-saves the whole order with its
 * {@code FID}: entries are matched to Kingdee's by material (their {@code FEntryID} from View), new lines added,
 * removed lines deleted. A cancelled order is closed ({@code ExcuteOperation BillClose}, {@code FCloseStatus=B}).
 */
public class KingdeeOrderSink {
    static final String FORM = "SAL_SaleOrder";
    static final String CLOSED = "B";

    private final KingdeeClient client;
    private final KingdeeOrderMapper mapper;
    private final ValueMaps maps;
    private final KingdeeProperties properties;

    public KingdeeOrderSink(KingdeeClient client, KingdeeOrderMapper mapper, ValueMaps maps, KingdeeProperties properties) {
        this.client = client;
        this.mapper = mapper;
        this.maps = maps;
        this.properties = properties;
    }

    /**
     * @param linkedOrder the Kingdee bill number already linked to this order, if any
     * @param soldToParty the Kingdee number of the order's customer (the customer sink's external id)
     */
    public ConnectorResult upsert(@Body CanonicalOrder order, @Variable("externalId") String linkedOrder,
                                  @Variable("soldToParty") String soldToParty) {
        KingdeeSalesOrder body = mapper.toSalesOrder(order, soldToParty, maps, properties); // unmapped codes fail before any call
        String billNo = order.orderNumber();
        return doUpsert(order, body, billNo, linkedOrder);
    }

    private ConnectorResult doUpsert(CanonicalOrder order, KingdeeSalesOrder body, String billNo, String linkedOrder) {
        if (linkedOrder != null && !linkedOrder.equals(billNo)) {
            throw new ForeignRecordException(KingdeeClient.CONNECTOR, "Kingdee sales order", linkedOrder, billNo, linkedOrder, false);
        }
        Map<String, JsonNode> existing = find(billNo);
        if (existing == null && linkedOrder != null) {
            throw new ForeignRecordException(KingdeeClient.CONNECTOR, "Kingdee sales order", linkedOrder, billNo, null, true);
        }
        boolean cancelled = "CANCELLED".equals(order.status());
        if (existing == null) {
            if (cancelled) {
                return new ConnectorResult(KingdeeCustomerSink.SYSTEM, null, ConnectorResult.Action.UPDATED);
            }
            String created = KingdeeCustomerSink.savedNumber(client.save(FORM, body));
            if (created.isEmpty()) {
                throw new PermanentConnectorException(KingdeeClient.CONNECTOR, "Kingdee saved the sales order but returned no Number");
            }
            return new ConnectorResult(KingdeeCustomerSink.SYSTEM, created, ConnectorResult.Action.CREATED);
        }
        if (cancelled) {
            if (!CLOSED.equals(existing.get("FCloseStatus").asText())) {
                client.operation(FORM, "BillClose", Map.of("Numbers", List.of(billNo)));
            }
            return new ConnectorResult(KingdeeCustomerSink.SYSTEM, billNo, ConnectorResult.Action.UPDATED);
        }
        // entries are matched by material, not by position: CRM lines are renumbered when one is removed
        List<JsonNode> current = new ArrayList<>();
        client.view(FORM, billNo).path("SaleOrderEntry").forEach(current::add);
        List<KingdeeSalesOrder.Entry> matched = new ArrayList<>();
        for (KingdeeSalesOrder.Entry entry : body.entries()) {
            JsonNode same = current.stream().filter(e -> entry.material().number().equals(e.path("MaterialId").path("Number").asText()))
                    .findFirst().orElse(null);
            if (same != null) {
                current.remove(same);
            }
            matched.add(entry.withEntryId(same == null ? null : same.path("Id").asLong()));
        }
        client.save(FORM, body.forUpdate(existing.get("FID").asLong(), matched));
        return new ConnectorResult(KingdeeCustomerSink.SYSTEM, billNo, ConnectorResult.Action.UPDATED);
    }

    private Map<String, JsonNode> find(String billNo) {
        List<Map<String, JsonNode>> rows = client.query(FORM, List.of("FID", "FBillNo", "FDocumentStatus", "FCloseStatus"),
                "FBillNo=" + KingdeeClient.literal(billNo), "", 0, 2);
        if (rows.size() > 1) {
            throw new PermanentConnectorException(KingdeeClient.CONNECTOR,
                    "Kingdee holds more than one sales order numbered " + billNo + "; delete the copy in Kingdee, then replay");
        }
        return rows.isEmpty() ? null : rows.get(0);
    }
}
