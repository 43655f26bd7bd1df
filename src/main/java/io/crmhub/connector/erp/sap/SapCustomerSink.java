package io.crmhub.connector.erp.sap;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.routing.ConnectorResult;
import io.crmhub.routing.ForeignRecordException;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.mapping.ValueMaps;
import org.apache.camel.Body;
import org.apache.camel.Variable;

/**
 * Upserts a customer as an SAP business partner (connector {@code erp-sap-customer-sink}).
 * Idempotent: a partner already linked is updated, provided it still carries our reference (else the message is parked
 * with a {@link ForeignRecordException}, never written); otherwise it is looked up by our reference in
 * {@code BusinessPartnerIDByExtSystem} before creating, so a redelivery after a crash never creates a second one.
 */
public class SapCustomerSink {
    static final String SERVICE = "API_BUSINESS_PARTNER";
    public static final String SYSTEM = "erp-sap";

    private final SapODataClient client;
    private final SapCustomerMapper mapper;
    private final ValueMaps maps;
    private final SapProperties properties;

    public SapCustomerSink(SapODataClient client, SapCustomerMapper mapper, ValueMaps maps, SapProperties properties) {
        this.client = client;
        this.mapper = mapper;
        this.maps = maps;
        this.properties = properties;
    }

    public ConnectorResult upsert(@Body CanonicalCustomer customer, @Variable("externalId") String linkedPartner) {
        String partner = linkedPartner != null ? linkedPartner : findByReference(customer.reference());
        if (partner == null) {
            SapODataClient.ODataResult created = client.post(SERVICE, "A_BusinessPartner", mapper.toCreate(customer, maps, properties.customerRole()));
            String number = created.d() == null ? "" : created.d().path("BusinessPartner").asText("");
            if (number.isEmpty()) {
                throw new PermanentConnectorException(SapODataClient.CONNECTOR, "SAP created the partner but returned no BusinessPartner number");
            }
            return new ConnectorResult(SYSTEM, number, ConnectorResult.Action.CREATED);
        }
        String path = SapODataClient.keyPath("A_BusinessPartner", partner);
        SapODataClient.ODataResult current = linkedPartner == null ? client.get(SERVICE, path) : owned(path, linkedPartner, customer.reference());
        String etag = current.etag();
        client.patch(SERVICE, path, etag == null ? "*" : etag, mapper.toUpdate(customer, maps));
        SapPartnerAddress.sync(client, partner, customer, () -> mapper.addresses(customer, maps).get(0));
        return new ConnectorResult(SYSTEM, partner, ConnectorResult.Action.UPDATED);
    }

    /** The linked partner, provided it still carries our reference (a restored SAP may have given its number to another). */
    private SapODataClient.ODataResult owned(String path, String partner, String reference) {
        SapODataClient.ODataResult current = client.find(SERVICE, path).orElseThrow(() -> new ForeignRecordException(
                SapODataClient.CONNECTOR, "SAP business partner", partner, reference, null, true));
        String carries = current.d() == null ? "" : current.d().path("BusinessPartnerIDByExtSystem").asText("");
        if (!reference.equals(carries)) {
            throw new ForeignRecordException(SapODataClient.CONNECTOR, "SAP business partner", partner, reference, carries, false);
        }
        return current;
    }

    private String findByReference(String reference) {
        JsonNode results = client.get(SERVICE, "A_BusinessPartner?$filter=BusinessPartnerIDByExtSystem%20eq%20"
                + SapODataClient.quote(reference) + "&$select=BusinessPartner&$top=2").d().path("results");
        if (results.size() > 1) {
            throw new PermanentConnectorException(SapODataClient.CONNECTOR,
                    "SAP holds more than one business partner for " + reference + "; merge them in SAP, then replay");
        }
        return results.size() == 1 ? results.get(0).path("BusinessPartner").asText(null) : null;
    }
}
