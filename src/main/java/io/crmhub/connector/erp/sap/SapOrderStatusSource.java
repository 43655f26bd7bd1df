package io.crmhub.connector.erp.sap;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.ErpOrderStatusSource;
import io.crmhub.routing.mapping.ValueMaps;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Progress of SAP sales orders ({@code API_SALES_ORDER_SRV/A_SalesOrder} by {@code LastChangeDateTime}): process and
 * delivery status through {@code mappings/sap/order-status.yaml} and {@code delivery-status.yaml} (an unmapped code
 * stops the poll naming the table and the code), rejection of all items as REJECTED. Only orders that carry our
 * order number are reported.
 */
public class SapOrderStatusSource implements ErpOrderStatusSource {
    private static final DateTimeFormatter FILTER_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final SapODataClient client;
    private final ValueMaps maps;

    public SapOrderStatusSource(SapODataClient client, ValueMaps maps) {
        this.client = client;
        this.maps = maps;
    }

    @Override
    public String system() {
        return SapCustomerSink.SYSTEM;
    }

    @Override
    public List<ErpOrderStatus> changedBetween(Instant since, Instant until, int max) {
        String path = "A_SalesOrder?$filter=LastChangeDateTime%20ge%20datetimeoffset'" + FILTER_TIME.format(since) + "'"
                + "%20and%20LastChangeDateTime%20le%20datetimeoffset'" + FILTER_TIME.format(until) + "'"
                + "&$orderby=LastChangeDateTime%20asc&$top=" + max
                + "&$select=SalesOrder,PurchaseOrderByCustomer,OverallSDProcessStatus,OverallDeliveryStatus,OverallSDDocumentRejectionSts,LastChangeDateTime";
        JsonNode results = client.get(SapOrderSink.SERVICE, path).d().path("results");
        List<ErpOrderStatus> statuses = new ArrayList<>();
        for (JsonNode o : results) {
            String number = o.path("SalesOrder").asText();
            boolean rejected = "C".equals(o.path("OverallSDDocumentRejectionSts").asText());
            Instant changedAt = SapInvoiceSource.date(o.path("LastChangeDateTime").asText(), number, "LastChangeDateTime");
            try {
                statuses.add(new ErpOrderStatus(number, o.path("PurchaseOrderByCustomer").asText(null),
                        rejected ? "REJECTED" : maps.translate("sap", "order-status", o.path("OverallSDProcessStatus").asText("")),
                        maps.translate("sap", "delivery-status", o.path("OverallDeliveryStatus").asText("")), changedAt, null));
            } catch (io.crmhub.routing.mapping.UnmappedValueException e) {
                statuses.add(new ErpOrderStatus(number, o.path("PurchaseOrderByCustomer").asText(null), null, null, changedAt, e.getMessage()));
            }
        }
        return statuses;
    }
}
