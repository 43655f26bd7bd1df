package io.crmhub.flows;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmhub.crm.canonical.CanonicalPayment;
import io.crmhub.sandbox.KingdeeSandbox;
import io.crmhub.support.KingdeeHub;
import io.crmhub.support.KingdeeTestServer;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link PaymentToErpScenarios} with {@code crmhub.erp.provider=kingdee}: a payment is a receipt ({@code AR_RECEIVEBILL},
 * 收款单) and a refund a receipt refund ({@code AR_REFUNDBILL}), each numbered with our reference.
 */
class KingdeePaymentToErpFlowIT extends PaymentToErpScenarios implements KingdeeHub {

    @Test
    void theReceiptNamesTheSettlementTypeThePurposeAndTheSalesOrder() {
        SyncedOrder order = confirmedOrderInErp("Receipt Bill Co");
        String txn = transactionId();
        notify(io.crmhub.crm.canonical.PaymentNotification.Kind.PAYMENT_SUCCEEDED, orderNumber(order.id()), txn, "20.00");
        long paymentId = awaitPayment(txn);
        String bill = awaitPosted("PAYMENT", paymentId);
        assertThat(bill).isEqualTo(CanonicalPayment.receiptReference(paymentId));
        KingdeeTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(KingdeeSandbox.SAVE_PATH))
                .withRequestBody(matchingJsonPath("$.formid", equalTo("AR_RECEIVEBILL")))
                .withRequestBody(matchingJsonPath("$.data.Model.FBillNo", equalTo(bill)))
                .withRequestBody(matchingJsonPath("$.data.Model.FBillTypeID.FNumber", equalTo("SKDLX01_SYS")))
                .withRequestBody(matchingJsonPath("$.data.Model.FCURRENCYID.FNumber", equalTo("PRE001")))
                .withRequestBody(matchingJsonPath("$.data.Model.FSETTLECUR.FNumber", equalTo("PRE001")))
                .withRequestBody(matchingJsonPath("$.data.Model.FRECEIVEBILLENTRY[0].FSETTLETYPEID.FNumber", equalTo("JSFS31_SYS")))
                .withRequestBody(matchingJsonPath("$.data.Model.FRECEIVEBILLENTRY[0].FPURPOSEID.FNumber", equalTo("SFKYT01_SYS")))
                .withRequestBody(matchingJsonPath("$.data.Model.FRECEIVEBILLENTRY[0].FSALEORDERNO", equalTo(orderNumber(order.id())))));
    }

    @Test
    void reconciliationReadsKingdeesReceiptsAndFindsOneOffByACentOrMissing() {
        SyncedOrder order = confirmedOrderInErp("Reconciled Receipt Co");
        String txn = transactionId();
        notify(io.crmhub.crm.canonical.PaymentNotification.Kind.PAYMENT_SUCCEEDED, orderNumber(order.id()), txn, "33.30");
        long paymentId = awaitPayment(txn);
        String bill = awaitPosted("PAYMENT", paymentId);
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);

        assertThat(rows(today)).noneMatch(r -> r.contains(bill));
        ObjectNode receipt = KingdeeTestServer.kingdee().receipts().values().stream()
                .filter(b -> b.path("FBillNo").asText().equals(bill)).findFirst().orElseThrow();
        ObjectNode entry = (ObjectNode) receipt.path("FRECEIVEBILLENTRY").get(0);
        entry.put("FRECTOTALAMOUNTFOR", entry.path("FRECTOTALAMOUNTFOR").decimalValue().add(new BigDecimal("0.01")));
        assertThat(rows(today)).contains("PAYMENT AMOUNT_MISMATCH " + bill + " 33.30 CNY 33.31 CNY");

        KingdeeTestServer.kingdee().receipts().values().removeIf(b -> b.path("FBillNo").asText().equals(bill));
        assertThat(rows(today)).contains("PAYMENT MISSING_IN_ERP " + bill + " 33.30 CNY absent");
    }

    private List<String> rows(java.time.LocalDate day) {
        var report = json(call("finance", org.springframework.http.HttpMethod.GET, "/api/finance/reconciliation?from=" + day + "&to=" + day, null));
        List<String> rows = new java.util.ArrayList<>();
        report.path("mismatches").forEach(m -> rows.add(m.path("entity").asText() + " " + m.path("kind").asText() + " "
                + m.path("reference").asText() + " " + m.path("crmValue").asText() + " " + m.path("erpValue").asText()));
        return rows;
    }

    @Override
    WireMockServer erp() {
        return KingdeeTestServer.wireMock();
    }

    @Override
    String createPath() {
        return KingdeeSandbox.SAVE_PATH;
    }

    @Override
    String sandboxTransformer() {
        return KingdeeSandbox.NAME;
    }

    @Override
    List<Posting> postingsFor(String reference) {
        KingdeeSandbox kd = KingdeeTestServer.kingdee();
        return Stream.concat(bills(kd.receipts(), reference, CanonicalPayment.Kind.RECEIPT, "FRECEIVEBILLENTRY", "FRECTOTALAMOUNTFOR", "FPAYUNIT", "FSALEORDERNO"),
                bills(kd.receiptRefunds(), reference, CanonicalPayment.Kind.REFUND, "FREFUNDBILLENTRY", "FREFUNDAMOUNTFOR", "FRECTUNIT", "FSALEORDERNUMBER")).toList();
    }

    private static Stream<Posting> bills(Map<Long, ObjectNode> bills, String reference, CanonicalPayment.Kind kind, String entries,
                                         String amount, String unit, String salesOrder) {
        return bills.values().stream().filter(b -> b.path("FBillNo").asText().equals(reference)).map(b -> {
            JsonNode entry = b.path(entries).path(0);
            assertThat(b.path(unit).path("FNumber").asText()).isEqualTo(b.path("FCONTACTUNIT").path("FNumber").asText());
            assertThat(entry.path(salesOrder).asText()).as(salesOrder + " names our order").startsWith("SO-");
            return new Posting(reference, kind, entry.path(amount).decimalValue(), currency(b.path("FCURRENCYID").path("FNumber").asText()),
                    b.path("FCONTACTUNIT").path("FNumber").asText(),
                    entry.path(kind == CanonicalPayment.Kind.RECEIPT ? "FCOMMENT" : "FNOTE").asText());
        });
    }

    private static String currency(String kingdeeNumber) {
        return "PRE001".equals(kingdeeNumber) ? "CNY" : kingdeeNumber;
    }

    @Override
    long creates(String reference) {
        return KingdeeTestServer.wireMock().findAll(postRequestedFor(urlPathEqualTo(KingdeeSandbox.SAVE_PATH))
                .withRequestBody(matchingJsonPath("$.data.Model.FBillNo", equalTo(reference)))).size();
    }

    @Override
    String issueInvoice(String salesOrderBillNo) {
        return KingdeeTestServer.kingdee().issueReceivable(salesOrderBillNo);
    }
}
