package io.crmhub.crm.finance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.sandbox.SapSandboxServer;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import io.crmhub.support.TestDatabases;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Reconciliation over a few thousand records: 300 customers, 2,000 orders, 400 invoices and 500 payments on both sides (the CRM
 * store and an SAP sandbox of this test's own, read through the real OData paging), first agreeing — no mismatch —
 * then with one planted mismatch of each kind, every one found, and resyncs that repair a missing order and a missing
 * payment posting.
 */
class ReconciliationIT extends HubIntegrationTest {
    private static final SapSandboxServer SAP = SapSandboxServer.start(0, SapTestServer.USER, SapTestServer.PASSWORD);
    private static final int CUSTOMERS = 300;
    private static final int ORDERS = 2000;
    private static final int INVOICES = 400;
    private static final int PAYMENTS = 500;
    private final ObjectMapper mapper = new ObjectMapper();

    @Autowired
    JdbcTemplate batch;

    @DynamicPropertySource
    static void ownSap(DynamicPropertyRegistry registry) {
        registry.add("crmhub.test.sap-url", SAP::baseUrl);
        TestDatabases.own(registry, "reconciliation");
        registry.add("crmhub.invoices.initial-delay", () -> "1h"); // the planted billing documents are compared, not ingested
    }

    @Test
    void agreeingSidesReportNothingAndEveryPlantedMismatchIsFoundAndAMissingOrderIsRepairedByResync() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Planted planted = plant(today);

        JsonNode clean = report(today);
        assertThat(clean.path("compared").path("customers").asInt()).isEqualTo(CUSTOMERS);
        assertThat(clean.path("compared").path("orders").asInt()).isEqualTo(ORDERS);
        assertThat(clean.path("compared").path("invoices").asInt()).isEqualTo(INVOICES);
        assertThat(clean.path("compared").path("payments").asInt()).isEqualTo(PAYMENTS);
        assertThat(clean.path("mismatches")).as(clean.path("mismatches").toString()).isEmpty();

        var sap = SAP.sap();
        String missingOrder = planted.orderNumbers().get(10);
        sap.salesOrders().values().removeIf(o -> o.path("PurchaseOrderByCustomer").asText().equals(missingOrder));
        ObjectNode offByCent = salesOrder(sap, planted.orderNumbers().get(20));
        offByCent.put("TotalNetAmount", new BigDecimal(offByCent.path("TotalNetAmount").asText()).add(new BigDecimal("0.01")).toPlainString());
        salesOrder(sap, planted.orderNumbers().get(30)).put("OverallSDDocumentRejectionSts", "C");
        ((ObjectNode) salesOrder(sap, planted.orderNumbers().get(35)).path("to_Item").path("results").get(0)).put("RequestedQuantity", "3.000");
        ObjectNode stranger = salesOrder(sap, planted.orderNumbers().get(40)).deepCopy();
        stranger.put("SalesOrder", "5999999").put("PurchaseOrderByCustomer", "SO-9999999999");
        sap.salesOrders().put("5999999", stranger);
        String missingCustomer = CanonicalCustomer.referenceOf(planted.customerIds().get(5));
        sap.partners().values().removeIf(p -> p.path("BusinessPartnerIDByExtSystem").asText().equals(missingCustomer));
        ObjectNode invoice = sap.billingDocuments().get(planted.invoiceNumbers().get(7));
        invoice.put("TotalGrossAmount", new BigDecimal(invoice.path("TotalGrossAmount").asText()).subtract(new BigDecimal("0.01")).toPlainString());
        ObjectNode extraInvoice = invoice.deepCopy().put("BillingDocument", "99999999");
        sap.billingDocuments().put("99999999", extraInvoice);
        String missingPosting = planted.postings().get(50).reference();
        sap.journal().remove(missingPosting);
        PlantedPosting offByCentPosting = planted.postings().get(60);
        sap.journal().remove(offByCentPosting.reference());
        sap.journal().plantCustomerLine(offByCentPosting.reference(), offByCentPosting.customer(),
                offByCentPosting.amount().negate().subtract(new BigDecimal("0.01")), "CNY", today);
        sap.journal().plantCustomerLine("CRM-P-0999999999", offByCentPosting.customer(), new BigDecimal("-8.00"), "CNY", today);

        JsonNode found = report(today);
        List<String> rows = new ArrayList<>();
        found.path("mismatches").forEach(m -> rows.add(m.path("entity").asText() + " " + m.path("kind").asText() + " " + m.path("reference").asText()));
        assertThat(rows).containsExactlyInAnyOrder(
                "CUSTOMER MISSING_IN_ERP " + missingCustomer,
                "ORDER MISSING_IN_ERP " + missingOrder,
                "ORDER AMOUNT_MISMATCH " + planted.orderNumbers().get(20),
                "ORDER STATUS_DRIFT " + planted.orderNumbers().get(30),
                "ORDER FIELD_MISMATCH " + planted.orderNumbers().get(35),
                "ORDER MISSING_IN_CRM SO-9999999999",
                "INVOICE AMOUNT_MISMATCH " + planted.invoiceNumbers().get(7),
                "INVOICE MISSING_IN_CRM 99999999",
                "PAYMENT MISSING_IN_ERP " + missingPosting,
                "PAYMENT AMOUNT_MISMATCH " + offByCentPosting.reference(),
                "PAYMENT MISSING_IN_CRM CRM-P-0999999999");
        JsonNode postingOff = find(found, "AMOUNT_MISMATCH", offByCentPosting.reference());
        assertThat(new BigDecimal(postingOff.path("erpValue").asText().split(" ")[0])
                .subtract(new BigDecimal(postingOff.path("crmValue").asText().split(" ")[0]))).isEqualByComparingTo("0.01");
        JsonNode amount = find(found, "AMOUNT_MISMATCH", planted.orderNumbers().get(20));
        assertThat(new BigDecimal(amount.path("erpValue").asText().split(" ")[0])
                .subtract(new BigDecimal(amount.path("crmValue").asText().split(" ")[0]))).isEqualByComparingTo("0.01");

        ResponseEntity<String> csv = call("finance", HttpMethod.GET, "/api/finance/reconciliation?from=" + today + "&to=" + today + "&format=csv", null);
        assertThat(csv.getHeaders().getContentType().toString()).startsWith("text/csv");
        String[] csvLines = csv.getBody().split("\r\n");
        assertThat(csvLines).hasSize(12);
        assertThat(csvLines[0]).startsWith("entity,kind,crm_id,reference");
        assertThat(call("sales", HttpMethod.GET, "/api/finance/reconciliation?from=" + today + "&to=" + today, null).getStatusCode().value())
                .isEqualTo(403);

        JsonNode missing = find(found, "MISSING_IN_ERP", missingOrder);
        ResponseEntity<String> resync = call("finance", HttpMethod.POST, "/api/finance/reconciliation/resync", missing.path("resync").toString());
        assertThat(resync.getStatusCode().value()).as(resync.getBody()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> sap.salesOrders().values().stream()
                .anyMatch(o -> o.path("PurchaseOrderByCustomer").asText().equals(missingOrder)));
        JsonNode missingPayment = find(found, "MISSING_IN_ERP", missingPosting);
        ResponseEntity<String> repost = call("finance", HttpMethod.POST, "/api/finance/reconciliation/resync", missingPayment.path("resync").toString());
        assertThat(repost.getStatusCode().value()).as(repost.getBody()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !sap.journal().items(missingPosting).isEmpty());
        assertThat(sap.journal().items(missingPosting)).hasSize(2); // the bank line and the customer line, posted once
        List<String> after = new ArrayList<>();
        report(today).path("mismatches").forEach(m -> after.add(m.path("kind").asText() + " " + m.path("reference").asText()));
        assertThat(after).hasSize(9).doesNotContain("MISSING_IN_ERP " + missingOrder, "MISSING_IN_ERP " + missingPosting);
    }

    private JsonNode report(LocalDate day) {
        ResponseEntity<String> response = call("finance", HttpMethod.GET, "/api/finance/reconciliation?from=" + day + "&to=" + day, null);
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(200);
        return json(response);
    }

    private static JsonNode find(JsonNode report, String kind, String reference) {
        for (JsonNode m : report.path("mismatches")) {
            if (m.path("kind").asText().equals(kind) && m.path("reference").asText().equals(reference)) {
                return m;
            }
        }
        throw new AssertionError(kind + " " + reference + " not reported");
    }

    private static ObjectNode salesOrder(SapBusinessPartnerSandbox sap, String number) {
        return sap.salesOrders().values().stream().filter(o -> o.path("PurchaseOrderByCustomer").asText().equals(number)).findFirst()
                .orElseThrow();
    }

    // ---- planting both sides directly: the CRM store by SQL (no events, so no flow runs), SAP in its sandbox ----

    private record Planted(List<Long> customerIds, List<String> orderNumbers, List<String> invoiceNumbers, List<PlantedPosting> postings) {
    }

    private record PlantedPosting(String reference, String customer, BigDecimal amount) {
    }

    private Planted plant(LocalDate today) {
        Timestamp now = Timestamp.from(Instant.now());
        String date = SapBusinessPartnerSandbox.today();
        var sap = SAP.sap();
        List<Long> customers = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            batch.update("""
                    INSERT INTO customer (customer_type, name, country_code, version, created_at, updated_at)
                    VALUES ('ORGANIZATION', ?, 'CN', 1, ?, ?)""", "Planted Co " + i, now, now);
        }
        customers.addAll(jdbc.sql("SELECT id FROM customer ORDER BY id").query(Long.class).list());
        List<Object[]> links = new ArrayList<>();
        for (int i = 0; i < customers.size(); i++) {
            long id = customers.get(i);
            String partner = String.valueOf(2_000_000 + id);
            // what the customer flow writes for "Planted Co i" in CN (no city, street, phone or e-mail)
            ObjectNode record = mapper.createObjectNode().put("BusinessPartner", partner)
                    .put("BusinessPartnerIDByExtSystem", CanonicalCustomer.referenceOf(id)).put("CreationDate", date)
                    .put("OrganizationBPName1", "Planted Co " + i).put("SearchTerm1", "PLANTED CO " + i).put("CorrespondenceLanguage", "ZH");
            record.putArray("to_BusinessPartnerAddress").addObject().put("AddressID", partner + "1").put("Country", "CN");
            sap.partners().put(partner, record);
            links.add(new Object[] {"CUSTOMER", id, "erp-sap", partner, 1, "SYNCED", now});
        }
        batch.batchUpdate("""
                INSERT INTO external_link (entity_type, entity_id, system, external_id, synced_version, last_status, last_synced_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", links);

        List<Object[]> orders = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            BigDecimal total = new BigDecimal(10 + i % 100).add(new BigDecimal("0.37")).multiply(BigDecimal.valueOf(2));
            orders.add(new Object[] {"SO-PL" + String.format("%08d", i), customers.get(i % CUSTOMERS), total, now, now});
        }
        batch.batchUpdate("""
                INSERT INTO sales_order (order_number, customer_id, status, currency, total_amount, paid_amount, version, created_at, updated_at)
                VALUES (?, ?, 'CONFIRMED', 'CNY', ?, 0, 1, ?, ?)""", orders);
        List<Object[]> lines = new ArrayList<>();
        List<String> numbers = new ArrayList<>();
        jdbc.sql("SELECT id, order_number, total_amount, customer_id FROM sales_order ORDER BY id").query(rs -> {
            long id = rs.getLong(1);
            BigDecimal total = rs.getBigDecimal(3);
            BigDecimal price = total.divide(BigDecimal.valueOf(2));
            lines.add(new Object[] {id, "TEA-" + (id % 7), BigDecimal.valueOf(2), price, total});
            numbers.add(rs.getString(2));
            String number = String.valueOf(6_000_000 + id); // clear of the numbers the sandbox gives
            ObjectNode so = mapper.createObjectNode().put("SalesOrder", number).put("PurchaseOrderByCustomer", rs.getString(2))
                    .put("SoldToParty", String.valueOf(2_000_000 + rs.getLong(4))).put("TransactionCurrency", "CNY")
                    .put("TotalNetAmount", total.setScale(2).toPlainString()).put("OverallSDDocumentRejectionSts", "A").put("CreationDate", date);
            so.putObject("to_Item").putArray("results").addObject().put("SalesOrder", number).put("SalesOrderItem", "10")
                    .put("Material", "TEA-" + (id % 7)).put("RequestedQuantity", "2.000").put("RequestedQuantityUnit", "EA")
                    .put("SalesDocumentRjcnReason", "");
            sap.salesOrders().put(number, so);
        });
        batch.batchUpdate("""
                INSERT INTO sales_order_line (order_id, line_no, sku, quantity, unit, unit_price, line_amount) VALUES (?, 1, ?, ?, 'EA', ?, ?)""", lines);

        List<Object[]> invoices = new ArrayList<>();
        List<String> invoiceNumbers = new ArrayList<>();
        for (int i = 0; i < INVOICES; i++) {
            String number = String.valueOf(91_000_000 + i);
            BigDecimal gross = new BigDecimal("113.").add(new BigDecimal(i % 100).movePointLeft(2));
            invoices.add(new Object[] {number, customers.get(i % CUSTOMERS), gross, java.sql.Date.valueOf(today), java.sql.Date.valueOf(today.plusDays(30)), now, now});
            invoiceNumbers.add(number);
            sap.billingDocuments().put(number, mapper.createObjectNode().put("BillingDocument", number).put("TransactionCurrency", "CNY")
                    .put("TotalGrossAmount", gross.toPlainString()).put("BillingDocumentIsCancelled", false).put("BillingDocumentDate", date)
                    .put("LastChangeDateTime", "/Date(" + System.currentTimeMillis() + "+0000)/"));
        }
        batch.batchUpdate("""
                INSERT INTO invoice (invoice_number, customer_id, status, currency, total_amount, paid_amount, issue_date, due_date, overdue,
                                     version, created_at, updated_at)
                VALUES (?, ?, 'OPEN', 'CNY', ?, 0, ?, ?, FALSE, 1, ?, ?)""", invoices);

        List<Object[]> payments = new ArrayList<>();
        List<Long> orderIds = jdbc.sql("SELECT id FROM sales_order ORDER BY id").query(Long.class).list();
        for (int i = 0; i < PAYMENTS; i++) {
            BigDecimal amount = new BigDecimal("20.").add(new BigDecimal(i % 100).movePointLeft(2));
            payments.add(new Object[] {orderIds.get(i), "PL-PAY-" + i, "4200" + String.format("%024d", i), amount, now, now, now});
        }
        batch.batchUpdate("""
                INSERT INTO payment (order_id, payment_reference, provider, provider_txn_id, status, currency, amount, refunded_amount,
                                     version, created_at, updated_at, paid_at)
                VALUES (?, ?, 'wechatpay', ?, 'SUCCEEDED', 'CNY', ?, 0, 1, ?, ?, ?)""", payments);
        List<PlantedPosting> postings = new ArrayList<>();
        jdbc.sql("SELECT p.id, p.amount, o.customer_id FROM payment p JOIN sales_order o ON o.id = p.order_id ORDER BY p.id").query(rs -> {
            PlantedPosting posting = new PlantedPosting(io.crmhub.crm.canonical.CanonicalPayment.receiptReference(rs.getLong(1)),
                    String.valueOf(2_000_000 + rs.getLong(3)), rs.getBigDecimal(2).setScale(2));
            sap.journal().plantCustomerLine(posting.reference(), posting.customer(), posting.amount().negate(), "CNY", today);
            postings.add(posting);
        });
        return new Planted(customers, numbers, invoiceNumbers, postings);
    }
}
