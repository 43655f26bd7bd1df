package io.crmhub.connector.erp.sap;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.ErpSnapshot;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.crm.canonical.CanonicalOrder;
import io.crmhub.routing.mapping.ValueMaps;
import java.util.function.Function;

/**
 * SAP's side of a reconciliation, read page by page ({@code $top}/{@code $skip}, 1,000 at a time) with only the fields
 * compared ({@code $select}): business partners and sales orders by {@code CreationDate}, billing documents by
 * {@code BillingDocumentDate}.
 */
public class SapSnapshot implements ErpSnapshot {
    private static final int PAGE = 1000;

    private final SapODataClient client;
    private final SapProperties properties;
    private final SapCustomerMapper mapper;
    private final SapOrderMapper orderMapper;
    private final ValueMaps maps;

    public SapSnapshot(SapODataClient client, SapProperties properties, SapCustomerMapper mapper,
                       SapOrderMapper orderMapper, ValueMaps maps) {
        this.orderMapper = orderMapper;
        this.properties = properties;
        this.mapper = mapper;
        this.maps = maps;
        this.client = client;
    }

    @Override
    public String system() {
        return SapCustomerSink.SYSTEM;
    }

    @Override
    public List<Record> customers(LocalDate from, LocalDate to) {
        return read(SapCustomerSink.SERVICE, "A_BusinessPartner", "CreationDate", from, to, "",
                "BusinessPartner,BusinessPartnerIDByExtSystem,OrganizationBPName1,LastName,SearchTerm1,CorrespondenceLanguage,"
                        + "to_BusinessPartnerAddress", "to_BusinessPartnerAddress/to_EmailAddress,to_BusinessPartnerAddress/to_MobilePhoneNumber",
                p -> p.path("BusinessPartnerIDByExtSystem").asText("").startsWith("CRM-C-")
                        ? new Record(p.path("BusinessPartner").asText(), p.path("BusinessPartnerIDByExtSystem").asText(), null, null, "ACTIVE",
                                fieldsOf(p))
                        : null);
    }

    /** What the customer flow writes: the partner's header fields, its standard address, mobile phone and e-mail. */
    @Override
    public Map<String, String> customerFields(CanonicalCustomer customer) {
        SapBusinessPartner.Update header = mapper.toUpdate(customer, maps);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("OrganizationBPName1", text(header.organizationName()));
        fields.put("LastName", text(header.lastName()));
        fields.put("SearchTerm1", text(header.searchTerm()));
        fields.put("CorrespondenceLanguage", text(header.language()));
        fields.putAll(SapPartnerAddress.fields(customer.address()));
        fields.put("EmailAddress", text(customer.email()));
        SapBusinessPartner.Phone phone = customer.phone() == null ? null : SapPhones.mobile(customer.phone());
        fields.put("MobilePhoneNumber", phone == null ? "" : phone.country() + " " + phone.number());
        return fields;
    }

    private static Map<String, String> fieldsOf(JsonNode partner) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String f : List.of("OrganizationBPName1", "LastName", "SearchTerm1", "CorrespondenceLanguage")) {
            fields.put(f, partner.path(f).asText(""));
        }
        JsonNode address = partner.path("to_BusinessPartnerAddress").path("results").path(0);
        for (String f : List.of("Country", "CityName", "StreetName", "PostalCode")) {
            fields.put(f, address.path(f).asText(""));
        }
        fields.put("EmailAddress", address.path("to_EmailAddress").path("results").path(0).path("EmailAddress").asText(""));
        JsonNode phone = address.path("to_MobilePhoneNumber").path("results").path(0);
        fields.put("MobilePhoneNumber", phone.isMissingNode() ? "" : phone.path("DestinationLocationCountry").asText("") + " "
                + phone.path("PhoneNumber").asText(""));
        return fields;
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    @Override
    public List<Record> orders(LocalDate from, LocalDate to) {
        return read(SapOrderSink.SERVICE, "A_SalesOrder", "CreationDate", from, to, "",
                "SalesOrder,PurchaseOrderByCustomer,TotalNetAmount,TransactionCurrency,OverallSDDocumentRejectionSts,SoldToParty,to_Item",
                "to_Item",
                o -> new Record(o.path("SalesOrder").asText(), o.path("PurchaseOrderByCustomer").asText(),
                        new BigDecimal(o.path("TotalNetAmount").asText("0")), o.path("TransactionCurrency").asText(),
                        "C".equals(o.path("OverallSDDocumentRejectionSts").asText()) ? "CANCELLED" : "ACTIVE",
                        Map.of("SoldToParty", o.path("SoldToParty").asText(""), "items", items(o.path("to_Item").path("results")))));
    }

    /** The open items the order flow writes: material, quantity and unit, in material order. */
    @Override
    public Map<String, String> orderFields(CanonicalOrder order, String customerExternalId) {
        SapSalesOrder wanted = orderMapper.toSalesOrder(order, customerExternalId, maps, properties);
        return Map.of("SoldToParty", text(customerExternalId), "items", wanted.items().stream()
                .map(i -> i.material() + " " + quantity(i.quantity()) + " " + i.unit()).sorted().collect(java.util.stream.Collectors.joining("; ")));
    }

    private static String items(JsonNode items) {
        List<String> open = new ArrayList<>();
        items.forEach(i -> {
            if (i.path("SalesDocumentRjcnReason").asText("").isEmpty()) {
                open.add(i.path("Material").asText() + " " + quantity(i.path("RequestedQuantity").asText("0")) + " "
                        + i.path("RequestedQuantityUnit").asText());
            }
        });
        return open.stream().sorted().collect(java.util.stream.Collectors.joining("; "));
    }

    private static String quantity(String decimal) {
        return new BigDecimal(decimal).stripTrailingZeros().toPlainString();
    }

    @Override
    public List<Record> invoices(LocalDate from, LocalDate to) {
        return read(SapInvoiceSource.SERVICE, "A_BillingDocument", "BillingDocumentDate", from, to,
                "BillingDocument,TotalGrossAmount,TransactionCurrency,BillingDocumentIsCancelled",
                d -> new Record(d.path("BillingDocument").asText(), d.path("BillingDocument").asText(),
                        new BigDecimal(d.path("TotalGrossAmount").asText("0")), d.path("TransactionCurrency").asText(),
                        d.path("BillingDocumentIsCancelled").asBoolean(false) ? "CANCELLED" : "OPEN"));
    }

    /** The customer lines of DZ journal entries with our references: credited for a receipt, debited for a refund. */
    @Override
    public List<Record> payments(LocalDate from, LocalDate to) {
        String only = "CompanyCode%20eq%20" + SapODataClient.quote(properties.companyCode()) + "%20and%20FinancialAccountType%20eq%20'D'"
                + "%20and%20AccountingDocumentType%20eq%20" + SapODataClient.quote(properties.paymentDocumentType()) + "%20and%20";
        return read(SapPaymentSink.LOOKUP_SERVICE, SapPaymentSink.ITEMS, "PostingDate", from, to, only,
                "AccountingDocument,CompanyCode,FiscalYear,DocumentReferenceID,AmountInTransactionCurrency,TransactionCurrency", i -> {
                    String reference = i.path("DocumentReferenceID").asText("");
                    if (!reference.startsWith("CRM-P-") && !reference.startsWith("CRM-R-")) {
                        return null;
                    }
                    BigDecimal amount = new BigDecimal(i.path("AmountInTransactionCurrency").asText("0"));
                    return new Record(SapPaymentSink.documentId(i.path("AccountingDocument").asText(), i.path("CompanyCode").asText(),
                            i.path("FiscalYear").asText()), reference, amount.abs(), i.path("TransactionCurrency").asText(),
                            amount.signum() < 0 ? "RECEIPT" : "REFUND");
                });
    }

    private List<Record> read(String service, String entitySet, String dateField, LocalDate from, LocalDate to, String select,
                              Function<JsonNode, Record> map) {
        return read(service, entitySet, dateField, from, to, "", select, null, map);
    }

    private List<Record> read(String service, String entitySet, String dateField, LocalDate from, LocalDate to, String extraFilter,
                              String select, Function<JsonNode, Record> map) {
        return read(service, entitySet, dateField, from, to, extraFilter, select, null, map);
    }

    private List<Record> read(String service, String entitySet, String dateField, LocalDate from, LocalDate to, String extraFilter,
                              String select, String expand, Function<JsonNode, Record> map) {
        List<Record> records = new ArrayList<>();
        String filter = extraFilter + dateField + "%20ge%20datetime'" + from + "T00:00:00'%20and%20" + dateField + "%20le%20datetime'" + to + "T00:00:00'";
        for (int skip = 0; ; skip += PAGE) {
            String path = entitySet + "?$filter=" + filter + "&$select=" + select + "&$orderby=" + select.split(",")[0]
                    + (expand == null ? "" : "&$expand=" + expand) + "&$top=" + PAGE + "&$skip=" + skip;
            JsonNode page = client.get(service, path).d().path("results");
            page.forEach(row -> {
                Record r = map.apply(row);
                if (r != null) {
                    records.add(r);
                }
            });
            if (page.size() < PAGE) {
                return records;
            }
        }
    }
}
