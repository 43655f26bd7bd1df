package io.crmhub.crm.finance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.sandbox.ProviderSandboxes;
import io.crmhub.sandbox.WechatPaySandboxServer;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import io.crmhub.support.TestDatabases;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The finance review queue end to end (D48): a customer pays one order twice at the WeChat Pay sandbox (two QR codes),
 * the second payment opens an OVER_PAYMENT review, and each action settles it through the same paths as any payment —
 * a refund through WeChat Pay and its posting to SAP, credit, allocation to another order (whose SAP invoice it then
 * pays), acceptance, dismissal; a payment for an unknown reference is parked and opens an UNKNOWN_ORDER review that
 * finance allocates to an order, after which it is posted to SAP.
 */
class FinanceReviewIT extends HubIntegrationTest {
    private static final WechatPaySandboxServer WECHAT = WechatPaySandboxServer.start(0);
    // a database of its own numbers its orders from 1 again: an SAP of its own, so they never meet another class's
    private static final io.crmhub.sandbox.SapSandboxServer SAP = io.crmhub.sandbox.SapSandboxServer.start(0, SapTestServer.USER,
            SapTestServer.PASSWORD);
    private final HttpClient client = HttpClient.newHttpClient();
    @Autowired
    InvoiceIngest ingest;

    @DynamicPropertySource
    static void wechatPay(DynamicPropertyRegistry registry) {
        WECHAT.hubProperties("http://127.0.0.1:1/replaced-by-the-test").forEach((k, v) -> registry.add(k, () -> v));
        TestDatabases.own(registry, "finance_reviews");
        registry.add("crmhub.test.sap-url", SAP::baseUrl);
        registry.add("crmhub.payments.check-interval", () -> "1h");
        registry.add("crmhub.invoices.initial-delay", () -> "1h");
    }

    @BeforeEach
    void removeFaults() {
        ProviderSandboxes.removePlantedStubs(WECHAT.server());
    }

    @Test
    void anOverPaymentIsQueuedAndItsExcessRefundedThroughWechatPayAndPostedToSapOnce() throws Exception {
        OverPaid paid = overPaid("Refund Me Co");
        JsonNode review = review(paid.reviewId());
        assertThat(review.path("kind").asText()).isEqualTo("OVER_PAYMENT");
        assertThat(review.path("amount").decimalValue()).isEqualByComparingTo("176.00");
        assertThat(review.path("actions").toString()).isEqualTo("[\"refund\",\"credit\",\"allocate\",\"accept\",\"dismiss\"]");
        assertThat(call("sales", HttpMethod.GET, "/api/finance/reviews", null).getStatusCode().value()).isEqualTo(403);

        ResponseEntity<String> refunded = act(paid.reviewId(), "refund", "{\"reason\":\"paid twice; customer wants it back\"}");
        assertThat(refunded.getStatusCode().value()).as(refunded.getBody()).isEqualTo(200);
        assertThat(json(refunded).path("status").asText()).isEqualTo("RESOLVED");
        assertThat(json(refunded).path("resolution").asText()).isEqualTo("REFUNDED");
        ResponseEntity<String> again = act(paid.reviewId(), "refund", "{\"reason\":\"again\"}");
        assertThat(again.getStatusCode().value()).isEqualTo(409);
        assertThat(again.getBody()).contains("only OPEN reviews take an action");

        record Refund(long id, String reference, BigDecimal amount) {
        }
        Refund refund = jdbc.sql("SELECT id, refund_reference, amount FROM refund WHERE payment_id = ?").param(paid.secondPaymentId())
                .query((rs, n) -> new Refund(rs.getLong(1), rs.getString(2), rs.getBigDecimal(3))).single();
        assertThat(refund.amount()).isEqualByComparingTo("176.00");
        assertThat(WECHAT.wechatPay().refunds().get(refund.reference()).path("amount").path("refund").asLong())
                .as("WeChat Pay was asked for the excess, in fen").isEqualTo(17600);
        HttpResponse<String> completed = post(WECHAT.baseUrl() + "/sandbox/refund/" + refund.reference() + "?notifyUrl=" + notifyUrl());
        assertThat(completed.body()).contains("\"hubAnswered\":204");
        await().atMost(Duration.ofSeconds(20)).until(() -> paidAmount(paid.orderId()).compareTo(new BigDecimal("176.00")) == 0);
        String posting = awaitPosted("REFUND", refund.id()); // the refund reaches SAP through crm-to-erp.payment-post
        assertThat(posting).isNotBlank();
        assertThat(auditEntries(paid.reviewId())).isEqualTo(1);
    }

    @Test
    void anExcessKeptAsCreditNoLongerCountsForTheOrderWhoseInvoiceTheFirstPaymentPays() throws Exception {
        OverPaid paid = overPaid("Credit Co");
        JsonNode credited = json(act(paid.reviewId(), "credit", "{\"reason\":\"keeps it for the next order\"}"));
        assertThat(credited.path("resolution").asText()).as(credited.toString()).isEqualTo("CUSTOMER_CREDIT");
        assertThat(jdbc.sql("SELECT amount FROM customer_credit WHERE review_id = ?").param(paid.reviewId()).query(BigDecimal.class).single())
                .isEqualByComparingTo("176.00");
        assertThat(paidAmount(paid.orderId())).isEqualByComparingTo("176.00");
        assertThat(paymentStatus(paid.secondPaymentId())).isEqualTo("SUCCEEDED");
        JsonNode invoice = invoiceOf(paid);
        assertThat(invoice.path("status").asText()).isEqualTo("PAID");
        assertThat(invoice.path("allocations")).singleElement()
                .satisfies(a -> assertThat(a.path("paymentId").asLong()).isNotEqualTo(paid.secondPaymentId()));
        // both receipts are in SAP (posted as they arrived: crmhub.payments.review.posting=post)
        assertThat(awaitPosted("PAYMENT", paid.secondPaymentId())).isNotBlank();
    }

    @Test
    void anExcessAllocatedToAnotherOrderOfTheCustomerPaysThatOrdersSapInvoice() throws Exception {
        OverPaid paid = overPaid("Two Orders Co");
        long other = order(paid.customerId(), "1", "50.00");
        ResponseEntity<String> foreign = act(paid.reviewId(), "allocate", "{\"orderId\":" + overPaid("Stranger Co").orderId() + ",\"reason\":\"x\"}");
        assertThat(foreign.getStatusCode().value()).isEqualTo(400);
        assertThat(foreign.getBody()).contains("orderId").contains("same customer");

        // the other order has 50.00 open: that much moves, the other 126.00 of the excess still waits for a decision
        JsonNode partly = json(act(paid.reviewId(), "allocate", "{\"orderId\":" + other + ",\"reason\":\"meant for the cups\"}"));
        assertThat(partly.path("status").asText()).as(partly.toString()).isEqualTo("OPEN");
        assertThat(partly.path("amount").decimalValue()).isEqualByComparingTo("126.00");
        assertThat(paidAmount(other)).isEqualByComparingTo("50.00");
        assertThat(paidAmount(paid.orderId())).isEqualByComparingTo("302.00");
        JsonNode credited = json(act(paid.reviewId(), "credit", "{\"reason\":\"the rest stays as credit\"}"));
        assertThat(credited.path("resolution").asText()).as(credited.toString()).isEqualTo("CUSTOMER_CREDIT");
        assertThat(paidAmount(paid.orderId())).isEqualByComparingTo("176.00");
        assertThat(auditEntries(paid.reviewId())).isEqualTo(2);
        String erpOrder = awaitPosted("ORDER", other);
        String number = SAP.sap().issueInvoice(erpOrder);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            ingest.poll();
            return jdbc.sql("SELECT COUNT(*) FROM invoice WHERE invoice_number = ?").param(number).query(Long.class).single() == 1;
        });
        JsonNode invoice = invoice(number);
        assertThat(invoice.path("status").asText()).as(invoice.toString()).isEqualTo("PAID");
        assertThat(invoice.path("allocations")).singleElement()
                .satisfies(a -> assertThat(a.path("paymentId").asLong()).isEqualTo(paid.secondPaymentId()));
    }

    @Test
    void acceptingLetsThePaymentStandAndDismissingNeedsAReason() throws Exception {
        OverPaid accepted = overPaid("Tip Co");
        assertThat(json(act(accepted.reviewId(), "accept", "{\"reason\":\"a deposit for next month\"}")).path("resolution").asText())
                .isEqualTo("ACCEPTED");
        assertThat(paymentStatus(accepted.secondPaymentId())).isEqualTo("SUCCEEDED");
        assertThat(paidAmount(accepted.orderId())).isEqualByComparingTo("352.00");
        String posting = awaitPosted("PAYMENT", accepted.secondPaymentId()); // the accepted money is in SAP, once
        assertThat(SAP.sap().journal().items(io.crmhub.crm.canonical.CanonicalPayment.receiptReference(accepted.secondPaymentId())))
                .as(posting).hasSize(2);

        OverPaid dismissed = overPaid("Dismiss Co");
        ResponseEntity<String> noReason = act(dismissed.reviewId(), "dismiss", "{\"reason\":\" \"}");
        assertThat(noReason.getStatusCode().value()).isEqualTo(400);
        assertThat(noReason.getBody()).contains("\"field\":\"reason\"");
        JsonNode closed = json(act(dismissed.reviewId(), "dismiss", "{\"reason\":\"handled by phone\"}"));
        assertThat(closed.path("status").asText()).isEqualTo("DISMISSED");
        assertThat(closed.path("actions")).isEmpty();
        assertThat(json(call("finance", HttpMethod.GET, "/api/finance/reviews?status=DISMISSED&kind=OVER_PAYMENT", null))
                .path("items").toString()).contains("\"id\":" + dismissed.reviewId());
    }

    @Test
    void aPaymentForAnUnknownReferenceIsQueuedAndOnceAllocatedIsRecordedAndPostedToSap() {
        long customer = createCustomer("Unknown Ref Co " + System.nanoTime(), uniquePhone(), "CN");
        long order = order(customer, "2", "88.00");
        String txn = transactionId();
        String reference = "NO-SUCH-ORDER-" + System.nanoTime();
        notify(PaymentNotification.Kind.PAYMENT_SUCCEEDED, reference, txn, "176.00");
        await().atMost(Duration.ofSeconds(30)).until(() -> parkedCount("payment-to-crm.record-payment", "payment:" + reference) == 1);
        long reviewId = jdbc.sql("SELECT id FROM finance_review WHERE kind = 'UNKNOWN_ORDER' AND subject = ?")
                .param("unknown_order:wechatpay:" + txn).query(Long.class).single();
        ResponseEntity<String> wrong = act(reviewId, "refund", "{\"reason\":\"x\"}");
        assertThat(wrong.getStatusCode().value()).isEqualTo(409);
        assertThat(wrong.getBody()).contains("\"field\":\"action\"");

        JsonNode allocated = json(act(reviewId, "allocate", "{\"orderId\":" + order + ",\"reason\":\"customer quoted the wrong number\"}"));
        assertThat(allocated.path("resolution").asText()).as(allocated.toString()).isEqualTo("ALLOCATED");
        long paymentId = allocated.path("paymentId").asLong();
        assertThat(paidAmount(order)).isEqualByComparingTo("176.00");
        assertThat(awaitPosted("PAYMENT", paymentId)).isNotBlank();
        assertThat(jdbc.sql("SELECT status FROM parked_message WHERE flow = 'payment-to-crm.record-payment' AND entity_key = ?")
                .param("payment:" + reference).query(String.class).single()).isEqualTo("RESOLVED");
    }

    @Test
    void aPaymentOnlyWechatPaysStatementListsIsRecordedByResyncFromItsStatusAnswer() throws Exception {
        long customer = createCustomer("Lost Notice Co " + System.nanoTime(), uniquePhone(), "CN");
        long order = order(customer, "1", "42.00");
        String reference = payment(order, "lost-" + order);
        // the customer paid, WeChat Pay's notification never arrived: the CRM still has the payment open
        assertThat(post(WECHAT.baseUrl() + "/sandbox/pay/" + reference + "?notify=false").body()).contains("\"notified\":false");
        String day = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).toString();
        ResponseEntity<String> report = call("finance", HttpMethod.POST, "/api/finance/statements/reconcile",
                "{\"provider\":\"wechatpay\",\"date\":\"" + day + "\"}");
        assertThat(report.getStatusCode().value()).as(report.getBody()).isEqualTo(200);
        assertThat(report.getBody()).contains("{\"kind\":\"ONLY_AT_PROVIDER\",\"entity\":\"PAYMENT\",\"reference\":\"" + reference + "\"");
        long review = jdbc.sql("SELECT id FROM finance_review WHERE subject LIKE ?").param("%:ONLY_AT_PROVIDER:PAYMENT:" + reference)
                .query(Long.class).single();

        JsonNode resynced = json(act(review, "resync", "{\"reason\":\"notification lost\"}"));
        assertThat(resynced.path("resolution").asText()).as(resynced.toString()).isEqualTo("RESYNCED");
        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(status(reference)));
        assertThat(paidAmount(order)).isEqualByComparingTo("42.00");
    }

    // ---- helpers ----

    record OverPaid(long customerId, long orderId, long secondPaymentId, long reviewId) {
    }

    /** A 176.00 order paid twice at WeChat Pay: two payments (two Idempotency-Keys, two QR codes), both paid. */
    private OverPaid overPaid(String buyer) throws Exception {
        long customer = createCustomer(buyer + " " + System.nanoTime(), uniquePhone(), "CN");
        long order = order(customer, "2", "88.00");
        String first = payment(order, "first-" + order);
        String second = payment(order, "second-" + order);
        pay(first);
        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(status(first)));
        pay(second);
        await().atMost(Duration.ofSeconds(20)).until(() -> "NEEDS_REVIEW".equals(status(second)));
        long secondId = jdbc.sql("SELECT id FROM payment WHERE payment_reference = ?").param(second).query(Long.class).single();
        long review = jdbc.sql("SELECT id FROM finance_review WHERE kind = 'OVER_PAYMENT' AND payment_id = ?").param(secondId)
                .query(Long.class).single();
        return new OverPaid(customer, order, secondId, review);
    }

    private long order(long customer, String quantity, String price) {
        ResponseEntity<String> created = call("sales", HttpMethod.POST, "/api/orders", """
                {"customerId":%d,"currency":"CNY","status":"CONFIRMED",
                 "lines":[{"sku":"TEA-01","quantity":%s,"unit":"EA","unitPrice":"%s"}]}""".formatted(customer, quantity, price));
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        return json(created).path("id").asLong();
    }

    private String payment(long order, String key) {
        ResponseEntity<String> created = http.withBasicAuth("sales", "sales").exchange("/api/orders/" + order + "/payments", HttpMethod.POST,
                new org.springframework.http.HttpEntity<>("{\"provider\":\"wechatpay\"}", headers(key)), String.class);
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        return json(created).path("reference").asText();
    }

    private static org.springframework.http.HttpHeaders headers(String idempotencyKey) {
        org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders();
        headers.setContentType(org.springframework.http.MediaType.APPLICATION_JSON);
        headers.set("Idempotency-Key", idempotencyKey);
        return headers;
    }

    private void pay(String reference) throws Exception {
        assertThat(post(WECHAT.baseUrl() + "/sandbox/pay/" + reference + "?notifyUrl=" + notifyUrl()).body()).contains("\"hubAnswered\":204");
    }

    private String notifyUrl() {
        return "http://127.0.0.1:" + port + "/webhooks/payments/wechatpay";
    }

    private HttpResponse<String> post(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private ResponseEntity<String> act(long review, String action, String body) {
        return call("finance", HttpMethod.POST, "/api/finance/reviews/" + review + "/" + action, body);
    }

    private JsonNode review(long id) {
        return json(call("finance", HttpMethod.GET, "/api/finance/reviews/" + id, null));
    }

    private JsonNode invoiceOf(OverPaid paid) {
        String erpOrder = awaitPosted("ORDER", paid.orderId());
        String number = SAP.sap().issueInvoice(erpOrder);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            ingest.poll();
            return jdbc.sql("SELECT COUNT(*) FROM invoice WHERE invoice_number = ?").param(number).query(Long.class).single() == 1;
        });
        return invoice(number);
    }

    private JsonNode invoice(String number) {
        long id = jdbc.sql("SELECT id FROM invoice WHERE invoice_number = ?").param(number).query(Long.class).single();
        return json(call("finance", HttpMethod.GET, "/api/invoices/" + id, null));
    }

    private String status(String reference) {
        return jdbc.sql("SELECT status FROM payment WHERE payment_reference = ?").param(reference).query(String.class).single();
    }

    private String paymentStatus(long id) {
        return jdbc.sql("SELECT status FROM payment WHERE id = ?").param(id).query(String.class).single();
    }

    private BigDecimal paidAmount(long order) {
        return jdbc.sql("SELECT paid_amount FROM sales_order WHERE id = ?").param(order).query(BigDecimal.class).single();
    }

    private long auditEntries(long review) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = ? AND target_id = ?").params(FinanceReviews.AUDIT_ACTION,
                String.valueOf(review)).query(Long.class).single();
    }
}
