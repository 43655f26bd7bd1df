package io.crmhub.connector.erp.sap;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.ErpInvoiceSource;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.mapping.UnmappedValueException;
import io.crmhub.routing.mapping.ValueMaps;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SAP billing documents ({@code API_BILLING_DOCUMENT_SRV/A_BillingDocument}) as ERP invoices, by
 * {@code LastChangeDateTime}, oldest change first, with their items (the sales order each bills). The net due date
 * comes from {@code CustomerPaymentTerms} through {@code mappings/sap/payment-terms.yaml}; an unmapped term stops the
 * page with the table and the code named (the watermark does not move until it is mapped). Net, tax and gross come
 * from the document ({@code TotalNetAmount}, {@code TaxAmount}, {@code TotalGrossAmount}) and its items. SAP's
 * billing document does not carry clearing, so none is stated here: the hub allocates the payments it recorded.
 */
public class SapInvoiceSource implements ErpInvoiceSource {
    static final String SERVICE = "API_BILLING_DOCUMENT_SRV";
    private static final Pattern ODATA_DATE = Pattern.compile("/Date\\((-?\\d+)([+-]\\d{4})?\\)/");
    private static final DateTimeFormatter FILTER_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final SapODataClient client;
    private final ValueMaps maps;

    public SapInvoiceSource(SapODataClient client, ValueMaps maps) {
        this.client = client;
        this.maps = maps;
    }

    @Override
    public String system() {
        return SapCustomerSink.SYSTEM;
    }

    @Override
    public List<ErpInvoice> changedBetween(Instant since, Instant until, int max) {
        String path = "A_BillingDocument?$filter=LastChangeDateTime%20ge%20datetimeoffset'" + FILTER_TIME.format(since) + "'"
                + "%20and%20LastChangeDateTime%20le%20datetimeoffset'" + FILTER_TIME.format(until) + "'"
                + "&$orderby=LastChangeDateTime%20asc&$top=" + max + "&$expand=to_Item";
        JsonNode results = client.get(SERVICE, path).d().path("results");
        List<ErpInvoice> invoices = new ArrayList<>();
        for (JsonNode doc : results) {
            invoices.add(toInvoice(doc));
        }
        return invoices;
    }

    private ErpInvoice toInvoice(JsonNode doc) {
        String number = doc.path("BillingDocument").asText();
        String terms = doc.path("CustomerPaymentTerms").asText("");
        LocalDate issued = date(doc.path("BillingDocumentDate").asText(), number, "BillingDocumentDate").atZone(ZoneOffset.UTC).toLocalDate();
        Integer days = null;
        String unmapped = null;
        try {
            days = Integer.parseInt(maps.translate("sap", "payment-terms", terms));
        } catch (UnmappedValueException e) {
            unmapped = e.getMessage(); // this invoice is parked; the others of the page go on
        }
        String salesOrder = null;
        String creditFor = null;
        // a credit memo (SD document category O) names the invoice it credits as its items' reference of category M
        boolean creditNote = "O".equals(doc.path("SDDocumentCategory").asText(""));
        List<Line> lines = new ArrayList<>();
        for (JsonNode item : doc.path("to_Item").path("results")) {
            String reference = item.path("ReferenceSDDocument").asText("");
            if (creditNote && creditFor == null && "M".equals(item.path("ReferenceSDDocumentCategory").asText("")) && !reference.isEmpty()) {
                creditFor = reference;
            } else if (salesOrder == null && !reference.isEmpty()) {
                salesOrder = reference;
            }
            BigDecimal net = optionalDecimal(item, "NetAmount", number);
            BigDecimal tax = optionalDecimal(item, "TaxAmount", number);
            BigDecimal itemGross = optionalDecimal(item, "GrossAmount", number);
            if (itemGross == null && net != null && tax != null) {
                itemGross = net.add(tax);
            }
            if (itemGross != null) {
                lines.add(new Line(item.path("BillingDocumentItem").asText(null), null, net, tax, itemGross));
            }
        }
        BigDecimal gross = decimal(doc, "TotalGrossAmount", number);
        boolean cancelled = doc.path("BillingDocumentIsCancelled").asBoolean(false);
        return new ErpInvoice(number, salesOrder, doc.path("SoldToParty").asText(null), doc.path("TransactionCurrency").asText(),
                gross, optionalDecimal(doc, "TotalNetAmount", number), optionalDecimal(doc, "TaxAmount", number), null, issued,
                days == null ? null : issued.plusDays(days), cancelled ? "CANCELLED" : "OPEN",
                date(doc.path("LastChangeDateTime").asText(), number, "LastChangeDateTime"), lines, unmapped, creditNote, creditFor);
    }

    /** A decimal the document may leave out (null), but never states wrongly. */
    private static BigDecimal optionalDecimal(JsonNode node, String field, String number) {
        return node.path(field).isMissingNode() || node.path(field).isNull() || node.path(field).asText().isEmpty()
                ? null : decimal(node, field, number);
    }

    private static BigDecimal decimal(JsonNode doc, String field, String number) {
        try {
            return new BigDecimal(doc.path(field).asText());
        } catch (NumberFormatException e) {
            throw new PermanentConnectorException(SapODataClient.CONNECTOR, "billing document " + number + " has no valid " + field);
        }
    }

    /** OData V2 JSON dates: {@code /Date(1764057600000)/} or {@code /Date(1764057600000+0000)/}. */
    static Instant date(String text, String number, String field) {
        Matcher m = ODATA_DATE.matcher(text);
        if (!m.matches()) {
            throw new PermanentConnectorException(SapODataClient.CONNECTOR, "billing document " + number + " has " + field
                    + " '" + text + "', not an OData date");
        }
        return Instant.ofEpochMilli(Long.parseLong(m.group(1)));
    }
}
