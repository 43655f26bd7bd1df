package io.crmhub.connector.erp.kingdee;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.routing.ConnectorResult;
import io.crmhub.routing.ForeignRecordException;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.mapping.ValueMaps;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Variable;

/**
 * Upserts a customer as a Kingdee {@code BD_Customer} (connector {@code erp-kingdee-customer-sink}). Its number
 * ({@code FNumber}) is our reference, and that number is the external id the hub links (sales orders name their
 * customer by it). Idempotent: the customer is looked up by number with ExecuteBillQuery before every save, so a
 * redelivery after a lost answer updates the one Kingdee already has instead of creating a second. A linked customer
 * that Kingdee no longer holds under our number is not re-created behind the engineer's back: the message is parked
 * ({@link ForeignRecordException}) for a relink.
 */
public class KingdeeCustomerSink {
    static final String FORM = "BD_Customer";
    public static final String SYSTEM = "erp-kingdee";

    private final KingdeeClient client;
    private final KingdeeCustomerMapper mapper;
    private final ValueMaps maps;
    private final KingdeeProperties properties;

    public KingdeeCustomerSink(KingdeeClient client, KingdeeCustomerMapper mapper, ValueMaps maps, KingdeeProperties properties) {
        this.client = client;
        this.mapper = mapper;
        this.maps = maps;
        this.properties = properties;
    }

    public ConnectorResult upsert(@Body CanonicalCustomer customer, @Variable("externalId") String linkedNumber) {
        KingdeeCustomer body = mapper.toCustomer(customer, properties.orgNumber(), maps); // unmapped codes fail before any call
        String number = customer.reference();
        return doUpsert(body, number, linkedNumber);
    }

    private ConnectorResult doUpsert(KingdeeCustomer body, String number, String linkedNumber) {
        if (linkedNumber != null && !linkedNumber.equals(number)) {
            // our number is our reference: a customer linked under another number cannot be shown to be ours
            throw new ForeignRecordException(KingdeeClient.CONNECTOR, "Kingdee customer", linkedNumber, number, linkedNumber, false);
        }
        Long existing = findId(number);
        if (existing == null && linkedNumber != null) {
            // deleted, merged or lost in a restore: re-creating it silently could duplicate the customer it was merged into
            throw new ForeignRecordException(KingdeeClient.CONNECTOR, "Kingdee customer", linkedNumber, number, null, true);
        }
        if (existing == null) {
            JsonNode saved = client.save(FORM, body);
            String created = savedNumber(saved);
            if (created.isEmpty()) {
                throw new PermanentConnectorException(KingdeeClient.CONNECTOR, "Kingdee saved the customer but returned no Number");
            }
            return new ConnectorResult(SYSTEM, created, ConnectorResult.Action.CREATED);
        }
        // PUT replaces: a field cleared in the CRM is cleared in Kingdee too (Save keeps every field it is not sent)
        KingdeeCustomer update = new KingdeeCustomer(existing, number, body.name(), body.shortName(), body.createOrg(), body.useOrg(),
                body.customerType(), body.country(), cleared(body.address()), cleared(body.zip()), cleared(body.phone()),
                cleared(body.taxNumber()));
        client.save(FORM, update);
        return new ConnectorResult(SYSTEM, number, ConnectorResult.Action.UPDATED);
    }

    private static String cleared(String value) {
        return value == null ? "" : value;
    }

    private Long findId(String number) {
        List<Map<String, JsonNode>> rows = client.query(FORM, List.of("FCUSTID", "FNumber"),
                "FNumber=" + KingdeeClient.literal(number) + " and FCreateOrgId.FNumber=" + KingdeeClient.literal(properties.orgNumber())
                        + " and FUseOrgId.FNumber=" + KingdeeClient.literal(properties.orgNumber()), // one row per use org once allocated
                "", 0, 2);
        if (rows.size() > 1) {
            throw new PermanentConnectorException(KingdeeClient.CONNECTOR,
                    "Kingdee holds more than one customer numbered " + number + "; merge them in Kingdee, then replay");
        }
        return rows.isEmpty() ? null : rows.get(0).get("FCUSTID").asLong();
    }

    /** {@code Result.Number}, or the first of {@code ResponseStatus.SuccessEntitys}. */
    static String savedNumber(JsonNode result) {
        String number = result.path("Number").asText("");
        if (number.isEmpty()) {
            number = result.path("ResponseStatus").path("SuccessEntitys").path(0).path("Number").asText("");
        }
        return number;
    }
}
