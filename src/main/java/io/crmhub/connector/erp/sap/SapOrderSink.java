package io.crmhub.connector.erp.sap;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.CanonicalOrder;
import io.crmhub.routing.ConnectorResult;
import io.crmhub.routing.ForeignRecordException;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.mapping.ValueMaps;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Variable;

/**
 * Upserts a confirmed CRM order as an SAP sales order (connector {@code erp-sap-order-sink}, {@code API_SALES_ORDER_SRV}).
 * Idempotent: an order already linked is updated, provided it still carries our order number (else it is parked with a
 * {@link ForeignRecordException}); otherwise it is looked up by our order number in
 * {@code PurchaseOrderByCustomer} before creating, so a redelivery after a lost answer never creates a second one.
 * Changes go to the items (OData V2 updates one entity at a time), matched by material: quantities are patched, new
 * lines added, removed lines rejected; a cancelled order rejects every item with the configured reason.
 */
public class SapOrderSink {
    static final String SERVICE = "API_SALES_ORDER_SRV";

    private final SapODataClient client;
    private final SapOrderMapper mapper;
    private final ValueMaps maps;
    private final SapProperties properties;

    public SapOrderSink(SapODataClient client, SapOrderMapper mapper, ValueMaps maps, SapProperties properties) {
        this.client = client;
        this.mapper = mapper;
        this.maps = maps;
        this.properties = properties;
    }

    /**
     * @param linkedOrder the SAP sales order already linked to this order, if any
     * @param soldToParty the SAP business partner of the order's customer
     */
    public ConnectorResult upsert(@Body CanonicalOrder order, @Variable("externalId") String linkedOrder,
                                  @Variable("soldToParty") String soldToParty) {
        SapSalesOrder body = mapper.toSalesOrder(order, soldToParty, maps, properties); // unmapped codes fail before any call
        return doUpsert(order, body, linkedOrder);
    }

    private ConnectorResult doUpsert(CanonicalOrder order, SapSalesOrder body, String linkedOrder) {
        String salesOrder = linkedOrder != null ? linkedOrder : findByReference(order.orderNumber());
        boolean cancelled = "CANCELLED".equals(order.status());
        if (salesOrder == null) {
            if (cancelled) {
                return new ConnectorResult(SapCustomerSink.SYSTEM, null, ConnectorResult.Action.UPDATED);
            }
            SapODataClient.ODataResult created = client.post(SERVICE, "A_SalesOrder", body);
            String number = created.d() == null ? "" : created.d().path("SalesOrder").asText("");
            if (number.isEmpty()) {
                throw new PermanentConnectorException(SapODataClient.CONNECTOR, "SAP created the sales order but returned no SalesOrder number");
            }
            return new ConnectorResult(SapCustomerSink.SYSTEM, number, ConnectorResult.Action.CREATED);
        }
        if (linkedOrder != null) {
            requireOwned(linkedOrder, order.orderNumber());
        }
        // items are matched by material, not by position: CRM lines are renumbered when one is removed
        List<JsonNode> open = new ArrayList<>();
        int next = 0;
        for (JsonNode item : client.get(SERVICE, SapODataClient.keyPath("A_SalesOrder", salesOrder) + "/to_Item").d().path("results")) {
            next = Math.max(next, item.path("SalesOrderItem").asInt());
            if (item.path("SalesDocumentRjcnReason").asText("").isEmpty()) {
                open.add(item);
            }
        }
        for (SapSalesOrder.Item item : cancelled ? List.<SapSalesOrder.Item>of() : body.items()) {
            JsonNode current = open.stream().filter(i -> item.material().equals(i.path("Material").asText())).findFirst().orElse(null);
            if (current == null) {
                next += 10;
                client.post(SERVICE, SapODataClient.keyPath("A_SalesOrder", salesOrder) + "/to_Item", renumbered(item, next));
                continue;
            }
            open.remove(current);
            boolean same = new BigDecimal(current.path("RequestedQuantity").asText("0")).compareTo(new BigDecimal(item.quantity())) == 0
                    && item.unit().equals(current.path("RequestedQuantityUnit").asText());
            if (!same) {
                patchItem(salesOrder, current, new SapSalesOrder.ItemUpdate(item.quantity(), item.unit(), null));
            }
        }
        for (JsonNode removed : open) { // lines no longer on the order, or every line of a cancelled order
            patchItem(salesOrder, removed, new SapSalesOrder.ItemUpdate(null, null, properties.cancellationReason()));
        }
        return new ConnectorResult(SapCustomerSink.SYSTEM, salesOrder, ConnectorResult.Action.UPDATED);
    }

    private static SapSalesOrder.Item renumbered(SapSalesOrder.Item item, int itemNo) {
        return new SapSalesOrder.Item(String.valueOf(itemNo), item.material(), item.text(), item.quantity(), item.unit(),
                item.rejectionReason(), item.taxClassification(), item.prices());
    }

    private void patchItem(String salesOrder, JsonNode current, SapSalesOrder.ItemUpdate update) {
        String itemNo = current.path("SalesOrderItem").asText();
        String etag = current.path("__metadata").path("etag").asText("*");
        client.patch(SERVICE, "A_SalesOrderItem(SalesOrder=" + SapODataClient.quote(salesOrder) + ",SalesOrderItem="
                + SapODataClient.quote(itemNo) + ")", etag, update);
    }

    /** The linked sales order must still carry our order number (a restored SAP may have given its number to another). */
    private void requireOwned(String salesOrder, String orderNumber) {
        SapODataClient.ODataResult current = client.find(SERVICE, SapODataClient.keyPath("A_SalesOrder", salesOrder))
                .orElseThrow(() -> new ForeignRecordException(SapODataClient.CONNECTOR, "SAP sales order", salesOrder, orderNumber, null, true));
        String carries = current.d() == null ? "" : current.d().path("PurchaseOrderByCustomer").asText("");
        if (!orderNumber.equals(carries)) {
            throw new ForeignRecordException(SapODataClient.CONNECTOR, "SAP sales order", salesOrder, orderNumber, carries, false);
        }
    }

    private String findByReference(String orderNumber) {
        JsonNode results = client.get(SERVICE, "A_SalesOrder?$filter=PurchaseOrderByCustomer%20eq%20"
                + SapODataClient.quote(orderNumber) + "&$select=SalesOrder&$top=2").d().path("results");
        if (results.size() > 1) {
            throw new PermanentConnectorException(SapODataClient.CONNECTOR,
                    "SAP holds more than one sales order for " + orderNumber + "; cancel the copy in SAP, then replay");
        }
        return results.size() == 1 ? results.get(0).path("SalesOrder").asText(null) : null;
    }
}
