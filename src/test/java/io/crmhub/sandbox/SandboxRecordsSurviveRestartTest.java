package io.crmhub.sandbox;

import static io.crmhub.sandbox.SandboxCalls.JSON;
import static io.crmhub.sandbox.SandboxCalls.customerPays;
import static io.crmhub.sandbox.SandboxCalls.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.sandbox.SandboxCalls.KingdeeSession;
import io.crmhub.sandbox.SandboxCalls.SapSession;
import io.crmhub.sandbox.SandboxCalls.Webhook;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sandbox started again on the same records directory (the local run restarted) holds what the one before it held
 * and continues its number ranges, so it never hands out a number the hub has already linked to another record; its
 * timed behaviours (billing, notifications) carry on for records made before the restart.
 */
class SandboxRecordsSurviveRestartTest {
    private static final String USER = "sandbox";
    private static final String PASSWORD = "sandbox-password";

    @TempDir
    Path records;

    @Test
    void sapKeepsPartnersOrdersBillsAndPostingsAndContinuesEveryNumberRange() throws Exception {
        String partner;
        String billedOrder;
        String unbilledOrder;
        String billingDocument;
        String journalEntry;
        try (SapSandboxServer before = SapSandboxServer.start(0, USER, PASSWORD, records)) {
            SapSession sap = SapSession.open(before, USER, PASSWORD);
            partner = sap.createPartner("CRM-C-0000000001", "ACME Trading");
            before.sap().invoiceAfter(Duration.ofMillis(100));
            billedOrder = sap.createSalesOrder(partner, "CRM-SO-0000000001");
            await().atMost(Duration.ofSeconds(10)).until(() -> !before.sap().billingDocuments().isEmpty());
            billingDocument = before.sap().billingDocuments().keySet().iterator().next();
            before.sap().invoiceAfter(Duration.ofSeconds(2));
            unbilledOrder = sap.createSalesOrder(partner, "CRM-SO-0000000002"); // finance bills it after the restart
            journalEntry = sap.postPayment("PAY-0000000001", partner, "176.00");
        }
        assertThat(records.resolve("sap.json")).exists();
        assertThat(records.resolve("sap.json.tmp")).doesNotExist();

        try (SapSandboxServer after = SapSandboxServer.start(0, USER, PASSWORD, records)) {
            after.sap().invoiceAfter(Duration.ofSeconds(2));
            SapSession sap = SapSession.open(after, USER, PASSWORD); // a new CSRF session: sessions end with a restart
            JsonNode found = sap.get(SapBusinessPartnerSandbox.SERVICE_PATH
                    + "A_BusinessPartner?$filter=BusinessPartnerIDByExtSystem%20eq%20'CRM-C-0000000001'").path("results");
            assertThat(found).hasSize(1);
            assertThat(found.get(0).path("BusinessPartner").asText()).isEqualTo(partner);
            assertThat(found.get(0).path("OrganizationBPName1").asText()).isEqualTo("ACME Trading");
            assertThat(sap.get(SapBusinessPartnerSandbox.SALES_ORDER_PATH + "A_SalesOrder('" + billedOrder + "')")
                    .path("OverallSDProcessStatus").asText()).isEqualTo("C");
            assertThat(sap.get(SapBusinessPartnerSandbox.SALES_ORDER_PATH + "A_SalesOrder?$filter=PurchaseOrderByCustomer%20eq%20'CRM-SO-0000000002'")
                    .path("results").get(0).path("SalesOrder").asText()).isEqualTo(unbilledOrder);
            assertThat(after.sap().billingDocuments().get(billingDocument).path("TotalGrossAmount").asText()).isEqualTo("198.88");
            assertThat(after.sap().journal().items("PAY-0000000001")).extracting(i -> i.path("AccountingDocument").asText())
                    .containsOnly(journalEntry);

            // every number range goes on from where it stood: no partner, order, bill or posting number comes twice
            String nextPartner = sap.createPartner("CRM-C-0000000002", "Other Co");
            after.sap().invoiceAfter(null); // the next order stays unbilled: only the one from before the restart is due
            assertThat(Long.parseLong(nextPartner)).isEqualTo(Long.parseLong(partner) + 1);
            assertThat(Long.parseLong(sap.createSalesOrder(nextPartner, "CRM-SO-0000000003"))).isEqualTo(Long.parseLong(unbilledOrder) + 1);
            assertThat(Long.parseLong(sap.postPayment("PAY-0000000002", nextPartner, "10.00"))).isEqualTo(Long.parseLong(journalEntry) + 1);

            // the order created before the restart is billed when it falls due, with the next billing number
            await().atMost(Duration.ofSeconds(10)).until(() -> after.sap().billingDocuments().size() >= 2);
            JsonNode second = after.sap().billingDocuments().get(String.valueOf(Long.parseLong(billingDocument) + 1));
            assertThat(second.path("to_Item").path("results").get(0).path("ReferenceSDDocument").asText()).isEqualTo(unbilledOrder);
        }
        try (SapSandboxServer again = SapSandboxServer.start(0, USER, PASSWORD, records)) {
            // restored, not yet scheduled: what it would bill once billing runs again
            assertThat(again.sap().invoicesDue()).as("nothing left to bill after the restart").isZero();
            again.sap().invoiceAfter(Duration.ZERO);
            assertThat(again.sap().partners()).containsOnlyKeys(partner, String.valueOf(Long.parseLong(partner) + 1));
            assertThat(again.sap().billingDocuments()).as("each order billed once").hasSize(2);
        }
    }

    @Test
    void kingdeeKeepsCustomersAndBillsAndContinuesItsIdsAndBillNumbers() throws Exception {
        JsonNode customer;
        JsonNode order;
        JsonNode receipt;
        try (KingdeeSandboxServer before = KingdeeSandboxServer.start(0, "acct", USER, PASSWORD, records)) {
            before.kingdee().invoiceAfter(Duration.ofSeconds(2)); // finance issues the receivable after the restart
            KingdeeSession kingdee = KingdeeSession.login(before);
            customer = kingdee.saveCustomer("ACME Trading");
            order = kingdee.saveSalesOrder(customer.path("Number").asText());
            receipt = kingdee.saveReceipt(customer.path("Number").asText(), "176.00");
            assertThat(receipt.path("ResponseStatus").path("IsSuccess").asBoolean()).as(receipt.toString()).isTrue();
        }
        assertThat(records.resolve("kingdee.json")).exists();

        try (KingdeeSandboxServer after = KingdeeSandboxServer.start(0, "acct", USER, PASSWORD, records)) {
            after.kingdee().invoiceAfter(Duration.ofSeconds(2));
            KingdeeSession kingdee = KingdeeSession.login(after); // sessions end with a restart: log in again
            assertThat(kingdee.view("BD_Customer", customer.path("Number").asText()).path("Name").asText()).isEqualTo("ACME Trading");
            JsonNode savedOrder = kingdee.view("SAL_SaleOrder", order.path("Number").asText());
            assertThat(savedOrder.path("BillNo").asText()).isEqualTo(order.path("Number").asText());
            assertThat(savedOrder.path("Id").asLong()).isEqualTo(order.path("Id").asLong());
            assertThat(savedOrder.path("CustId").path("Number").asText()).isEqualTo(customer.path("Number").asText());
            assertThat(savedOrder.path("BillAllAmount").decimalValue()).isEqualByComparingTo("176.00");
            assertThat(after.kingdee().salesOrders().get(order.path("Id").asLong()).path("FBillNo").asText()).isEqualTo(order.path("Number").asText());
            assertThat(after.kingdee().receipts().get(receipt.path("Id").asLong()).path("FAMOUNT").decimalValue()).isEqualByComparingTo("176.00");

            JsonNode next = kingdee.saveCustomer("Other Co");
            assertThat(next.path("Id").asLong()).isEqualTo(receipt.path("Id").asLong() + 1);
            assertThat(next.path("Number").asText()).isNotEqualTo(customer.path("Number").asText())
                    .isEqualTo("CUST%04d".formatted(Integer.parseInt(receipt.path("Number").asText().replaceAll("\\D", "")) + 1));

            // the order saved before the restart gets its receivable when it falls due
            await().atMost(Duration.ofSeconds(10)).until(() -> !after.kingdee().receivables().isEmpty());
            assertThat(after.kingdee().receivables().values().iterator().next().path("FEntityDetail").get(0).path("FORDERNUMBER").asText())
                    .isEqualTo(order.path("Number").asText());
        }
    }

    @Test
    void wechatPayKeepsOrdersAndRefundsSoAnOrderPlacedBeforeARestartCanStillBePaid() throws Exception {
        String transactionId;
        String refundId;
        try (Webhook hub = new Webhook();
             WechatPaySandboxServer before = WechatPaySandboxServer.start(0, records)) {
            assertThat(SandboxCalls.wechatNativeOrder(before, "SO-0000000001-P1", 17600, hub.url()).statusCode()).isEqualTo(200);
            assertThat(SandboxCalls.wechatNativeOrder(before, "SO-0000000002-P1", 5020, hub.url()).statusCode()).isEqualTo(200);
            transactionId = json(customerPays(before.baseUrl(), "SO-0000000001-P1", "?notify=false")).path("transaction_id").asText();
            refundId = json(SandboxCalls.wechat(before, "POST", "/v3/refund/domestic/refunds", refund("SO-0000000001-P1", "RF-1")))
                    .path("refund_id").asText();
        }
        assertThat(records.resolve("wechatpay.json")).exists();

        try (Webhook hub = new Webhook();
             WechatPaySandboxServer after = WechatPaySandboxServer.start(0, records)) {
            JsonNode paid = SandboxCalls.wechatQuery(after, "SO-0000000001-P1");
            assertThat(paid.path("trade_state").asText()).isEqualTo("SUCCESS");
            assertThat(paid.path("transaction_id").asText()).isEqualTo(transactionId);
            assertThat(json(SandboxCalls.wechat(after, "POST", "/v3/refund/domestic/refunds", refund("SO-0000000001-P1", "RF-1")))
                    .path("refund_id").asText()).as("the same out_refund_no, the same refund").isEqualTo(refundId);

            HttpResponse<String> pays = customerPays(after.baseUrl(), "SO-0000000002-P1", "?notifyUrl=" + hub.url());
            assertThat(json(pays).path("hubAnswered").asInt()).as(pays.body()).isEqualTo(204);
            JsonNode transaction = SandboxCalls.wechatResource(after, JSON.readTree(hub.received().get(0).body()));
            assertThat(transaction.path("out_trade_no").asText()).isEqualTo("SO-0000000002-P1");
            assertThat(transaction.path("amount").path("total").asLong()).isEqualTo(5020);
        }
    }

    @Test
    void alipayKeepsTradesAndContinuesItsTradeNumbers() throws Exception {
        String tradeNo;
        try (AlipaySandboxServer before = AlipaySandboxServer.start(0, records)) {
            SandboxCalls.alipayPrecreate(before, "SO-0000000001-P1", "176.00", "http://127.0.0.1:9/unused");
            SandboxCalls.alipayPrecreate(before, "SO-0000000002-P1", "50.20", "http://127.0.0.1:9/unused");
            tradeNo = json(customerPays(before.baseUrl(), "SO-0000000001-P1", "?notify=false")).path("trade_no").asText();
        }
        assertThat(records.resolve("alipay.json")).exists();

        try (Webhook hub = new Webhook();
             AlipaySandboxServer after = AlipaySandboxServer.start(0, records)) {
            JsonNode paid = SandboxCalls.alipayQuery(after, "SO-0000000001-P1");
            assertThat(paid.path("trade_status").asText()).isEqualTo("TRADE_SUCCESS");
            assertThat(paid.path("trade_no").asText()).isEqualTo(tradeNo);

            JsonNode report = json(customerPays(after.baseUrl(), "SO-0000000002-P1", "?notifyUrl=" + hub.url()));
            assertThat(report.path("hubAnswered").asInt()).isEqualTo(204);
            assertThat(hub.received().get(0).body()).contains("out_trade_no=SO-0000000002-P1", "total_amount=50.20");
            String next = report.path("trade_no").asText();
            assertThat(Long.parseLong(next.substring(13))).as("the trade number's sequence goes on")
                    .isEqualTo(Long.parseLong(tradeNo.substring(13)) + 1);
        }
    }

    @Test
    void stripeKeepsPaymentIntentsAndIdempotencyKeys() throws Exception {
        String intent;
        try (StripeSandboxServer before = StripeSandboxServer.start(0, records)) {
            intent = json(SandboxCalls.stripe(before, "POST", "/v1/payment_intents", SandboxCalls.stripeIntentForm("SO-0000000001-P1", 17600),
                    "crmhub-payment-SO-0000000001-P1")).path("id").asText();
            SandboxCalls.stripe(before, "POST", "/v1/payment_intents", SandboxCalls.stripeIntentForm("SO-0000000002-P1", 5020),
                    "crmhub-payment-SO-0000000002-P1");
            customerPays(before.baseUrl(), "SO-0000000001-P1", "?notify=false");
        }
        assertThat(records.resolve("stripe.json")).exists();

        try (Webhook hub = new Webhook();
             StripeSandboxServer after = StripeSandboxServer.start(0, records)) {
            after.hubProperties(hub.url());
            JsonNode paid = json(SandboxCalls.stripe(after, "GET", "/v1/payment_intents/" + intent, "", null));
            assertThat(paid.path("status").asText()).isEqualTo("succeeded");
            assertThat(paid.path("amount_received").asLong()).isEqualTo(17600);
            HttpResponse<String> again = SandboxCalls.stripe(after, "POST", "/v1/payment_intents",
                    SandboxCalls.stripeIntentForm("SO-0000000001-P1", 17600), "crmhub-payment-SO-0000000001-P1");
            assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(json(again).path("id").asText()).as("the same key, the same PaymentIntent").isEqualTo(intent);

            assertThat(json(customerPays(after.baseUrl(), "SO-0000000002-P1", "")).path("hubAnswered").asInt()).isEqualTo(204);
            JsonNode event = JSON.readTree(hub.received().get(0).body());
            assertThat(event.path("type").asText()).isEqualTo("payment_intent.succeeded");
            assertThat(event.path("data").path("object").path("metadata").path("crm_payment_reference").asText()).isEqualTo("SO-0000000002-P1");
        }
    }

    private static String refund(String outTradeNo, String outRefundNo) {
        return JSON.createObjectNode().put("out_trade_no", outTradeNo).put("out_refund_no", outRefundNo)
                .set("amount", JSON.createObjectNode().put("refund", 1000).put("total", 17600).put("currency", "CNY")).toString();
    }
}
