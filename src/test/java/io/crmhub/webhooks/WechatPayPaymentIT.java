package io.crmhub.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.sandbox.ProviderSandboxes;
import io.crmhub.sandbox.WechatPaySandboxServer;
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
 * Order → pay → paid against the WeChat Pay sandbox, which recomputes every request signature with the merchant's
 * public key, signs its answers with a platform key, and pays by sending a signed, encrypted notification.
 */
class WechatPayPaymentIT extends PaymentHubTest {
    private static final WechatPaySandboxServer WECHAT = WechatPaySandboxServer.start(0);
    private static final String NATIVE = "/v3/pay/transactions/native";
    private final HttpClient client = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void wechatPay(DynamicPropertyRegistry registry) {
        WECHAT.hubProperties("http://127.0.0.1:1/replaced-by-the-test").forEach((k, v) -> registry.add(k, () -> v));
        TestDatabases.own(registry, "wechatpay_payments");
        // the status check is called by the tests, with no grace and immediate expiry
        registry.add("crmhub.payments.notification-grace", () -> "0s");
        registry.add("crmhub.payments.expire-after", () -> "0s");
        registry.add("crmhub.payments.check-interval", () -> "1h");
    }

    @BeforeEach
    void removeFaults() {
        ProviderSandboxes.removePlantedStubs(WECHAT.server());
    }

    @Test
    void anOrderIsPaidThroughWechatPayAndRecordedOnce() throws Exception {
        long order = confirmedOrder("Pay Co").id();
        ResponseEntity<String> created = call("sales", HttpMethod.POST, "/api/orders/" + order + "/payments", "{\"provider\":\"wechatpay\"}");
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        JsonNode payment = json(created);
        String reference = payment.path("reference").asText();
        assertThat(payment.path("qrCodeUrl").asText()).startsWith("weixin://wxpay/bizpayurl?pr=");
        assertThat(payment.path("amount").decimalValue()).isEqualByComparingTo("50.20");
        assertThat(WECHAT.wechatPay().orders().get(reference).path("amount").path("total").asLong()).isEqualTo(5020);

        // asking again while it is open: the same payment, the same QR code, no second order at WeChat Pay
        JsonNode again = json(call("sales", HttpMethod.POST, "/api/orders/" + order + "/payments", "{\"provider\":\"wechatpay\"}"));
        assertThat(again.path("reference").asText()).isEqualTo(reference);
        assertThat(again.path("qrCodeUrl").asText()).isEqualTo(payment.path("qrCodeUrl").asText());

        HttpResponse<String> paid = client.send(HttpRequest.newBuilder(URI.create(WECHAT.baseUrl() + "/sandbox/pay/" + reference
                        + "?notifyUrl=http://127.0.0.1:" + port + "/webhooks/payments/wechatpay"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(paid.body()).contains("\"hubAnswered\":204");

        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(jdbc.sql(
                "SELECT status FROM payment WHERE payment_reference = ?").param(reference).query(String.class).single()));
        assertThat(jdbc.sql("SELECT paid_amount FROM sales_order WHERE id = ?").param(order).query(BigDecimal.class).single())
                .isEqualByComparingTo("50.20");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM payment WHERE order_id = ?").param(order).query(Long.class).single()).isEqualTo(1);

        // the customer "pays" the paid order again (the README tour's pay command run twice): WeChat Pay takes no second
        // payment, it re-sends the same notification, which the hub acknowledges without effect
        HttpResponse<String> again2 = client.send(HttpRequest.newBuilder(URI.create(WECHAT.baseUrl() + "/sandbox/pay/" + reference
                        + "?notifyUrl=http://127.0.0.1:" + port + "/webhooks/payments/wechatpay"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again2.body()).contains("\"hubAnswered\":204");
        awaitFlowsIdle();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM payment WHERE order_id = ?").param(order).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT paid_amount FROM sales_order WHERE id = ?").param(order).query(BigDecimal.class).single())
                .isEqualByComparingTo("50.20");

        String transactionId = jdbc.sql("SELECT provider_txn_id FROM payment WHERE payment_reference = ?").param(reference)
                .query(String.class).single();
        JsonNode tracked = json(call("engineer", HttpMethod.GET, "/api/ops/messages?key=" + transactionId, null));
        java.util.List<String> events = new java.util.ArrayList<>();
        tracked.path("messages").forEach(m -> events.add(m.path("eventType").asText()));
        assertThat(events).containsExactly("wechatpay:TRANSACTION.SUCCESS", "recorded");

        ResponseEntity<String> nothingLeft = call("sales", HttpMethod.POST, "/api/orders/" + order + "/payments", "{\"provider\":\"wechatpay\"}");
        assertThat(nothingLeft.getStatusCode().value()).isEqualTo(409);
        assertThat(nothingLeft.getBody()).contains("fully paid");
    }

    @Autowired
    io.crmhub.crm.finance.PaymentStatusCheck statusCheck;

    @Test
    void aPaymentWhoseNotificationIsLostIsRecordedFromTheProvidersStatus() throws Exception {
        long order = confirmedOrder("Pay Co").id();
        String reference = json(call("sales", HttpMethod.POST, "/api/orders/" + order + "/payments", "{\"provider\":\"wechatpay\"}"))
                .path("reference").asText();
        HttpResponse<String> paid = client.send(HttpRequest.newBuilder(URI.create(WECHAT.baseUrl() + "/sandbox/pay/" + reference + "?notify=false"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(paid.body()).contains("\"notified\":false");

        statusCheck.check();
        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(jdbc.sql(
                "SELECT status FROM payment WHERE payment_reference = ?").param(reference).query(String.class).single()));
        assertThat(jdbc.sql("SELECT paid_amount FROM sales_order WHERE id = ?").param(order).query(BigDecimal.class).single())
                .isEqualByComparingTo("50.20");
        statusCheck.check(); // asking again changes nothing
        assertThat(jdbc.sql("SELECT COUNT(*) FROM payment WHERE order_id = ?").param(order).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void anUnpaidPaymentIsClosedAtWechatPayOnceItExpires() throws Exception {
        long order = confirmedOrder("Pay Co").id();
        String reference = json(call("sales", HttpMethod.POST, "/api/orders/" + order + "/payments", "{\"provider\":\"wechatpay\"}"))
                .path("reference").asText();
        statusCheck.check();
        assertThat(jdbc.sql("SELECT status FROM payment WHERE payment_reference = ?").param(reference).query(String.class).single())
                .isEqualTo("CLOSED");
        assertThat(WECHAT.wechatPay().orders().get(reference).path("trade_state").asText()).isEqualTo("CLOSED");
        HttpResponse<String> late = client.send(HttpRequest.newBuilder(URI.create(WECHAT.baseUrl() + "/sandbox/pay/" + reference))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(late.statusCode()).isEqualTo(409);
    }

    @Test
    void financeRefundsPartOfAPaymentOnceAndTheMoneyMovesBackWhenWechatPayConfirms() throws Exception {
        long order = confirmedOrder("Pay Co").id();
        String reference = json(call("sales", HttpMethod.POST, "/api/orders/" + order + "/payments", "{\"provider\":\"wechatpay\"}"))
                .path("reference").asText();
        client.send(HttpRequest.newBuilder(URI.create(WECHAT.baseUrl() + "/sandbox/pay/" + reference + "?notifyUrl=http://127.0.0.1:"
                + port + "/webhooks/payments/wechatpay")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(jdbc.sql(
                "SELECT status FROM payment WHERE payment_reference = ?").param(reference).query(String.class).single()));
        long paymentId = jdbc.sql("SELECT id FROM payment WHERE payment_reference = ?").param(reference).query(Long.class).single();

        assertThat(refund("sales", paymentId, "10.00", "k1").getStatusCode().value()).isEqualTo(403);
        ResponseEntity<String> requested = refund("finance", paymentId, "10.00", "refund-key-1");
        assertThat(requested.getStatusCode().value()).as(requested.getBody()).isEqualTo(201);
        JsonNode refund = json(requested);
        assertThat(refund.path("status").asText()).isEqualTo("PROCESSING");
        assertThat(refund.path("amount").decimalValue()).isEqualByComparingTo("10.00");
        // the same request again (a retry): the same refund, nothing new at WeChat Pay
        JsonNode again = json(refund("finance", paymentId, "10.00", "refund-key-1"));
        assertThat(again.path("id").asLong()).isEqualTo(refund.path("id").asLong());
        // more than is left (50.20 - 10.00 in flight) is refused before WeChat Pay is asked
        ResponseEntity<String> tooMuch = refund("finance", paymentId, "40.21", "refund-key-2");
        assertThat(tooMuch.getStatusCode().value()).isEqualTo(409);
        assertThat(tooMuch.getBody()).contains("at most 40.20 CNY");

        HttpResponse<String> completed = client.send(HttpRequest.newBuilder(URI.create(WECHAT.baseUrl() + "/sandbox/refund/"
                + refund.path("refundReference").asText() + "?notifyUrl=http://127.0.0.1:" + port + "/webhooks/payments/wechatpay"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(completed.body()).contains("\"hubAnswered\":204");
        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(jdbc.sql(
                "SELECT status FROM refund WHERE id = ?").param(refund.path("id").asLong()).query(String.class).single()));
        assertThat(jdbc.sql("SELECT refunded_amount FROM payment WHERE id = ?").param(paymentId).query(BigDecimal.class).single())
                .isEqualByComparingTo("10.00");
        assertThat(jdbc.sql("SELECT paid_amount FROM sales_order WHERE id = ?").param(order).query(BigDecimal.class).single())
                .isEqualByComparingTo("40.20");
        assertThat(WECHAT.wechatPay().orders().get(reference)).isNotNull();
    }

    @Test
    void aReusedIdempotencyKeyWithAnotherBodyIs422WhileTheSameBodyReturnsTheFirstResult() throws Exception {
        long order = confirmedOrder("Key Co").id();
        ResponseEntity<String> first = pay(order, "{\"provider\":\"wechatpay\"}", "pay-key-" + order);
        assertThat(first.getStatusCode().value()).as(first.getBody()).isEqualTo(201);
        long paymentId = json(first).path("paymentId").asLong();
        assertThat(json(pay(order, "{ \"provider\" : \"wechatpay\" }", "pay-key-" + order)).path("paymentId").asLong()).isEqualTo(paymentId);
        ResponseEntity<String> other = pay(order, "{\"provider\":\"wechatpay\",\"description\":\"something else\"}", "pay-key-" + order);
        assertThat(other.getStatusCode().value()).as(other.getBody()).isEqualTo(422);
        assertThat(other.getHeaders().getContentType()).hasToString("application/problem+json");
        assertThat(json(other).path("errors").get(0).path("field").asText()).isEqualTo("Idempotency-Key");

        String reference = json(first).path("reference").asText();
        client.send(HttpRequest.newBuilder(URI.create(WECHAT.baseUrl() + "/sandbox/pay/" + reference + "?notifyUrl=http://127.0.0.1:"
                + port + "/webhooks/payments/wechatpay")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(jdbc.sql(
                "SELECT status FROM payment WHERE id = ?").param(paymentId).query(String.class).single()));
        // the key's payment is paid now: a repeat still answers it (not "fully paid")
        ResponseEntity<String> afterwards = pay(order, "{\"provider\":\"wechatpay\"}", "pay-key-" + order);
        assertThat(afterwards.getStatusCode().value()).as(afterwards.getBody()).isEqualTo(201);
        assertThat(json(afterwards).path("status").asText()).isEqualTo("SUCCEEDED");

        long refundId = json(refund("finance", paymentId, "10.00", "refund-once")).path("id").asLong();
        assertThat(json(refund("finance", paymentId, "10.0", "refund-once")).path("id").asLong()).isEqualTo(refundId);
        ResponseEntity<String> more = refund("finance", paymentId, "11.00", "refund-once");
        assertThat(more.getStatusCode().value()).as(more.getBody()).isEqualTo(422);
        assertThat(json(more).path("errors").get(0).path("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM refund WHERE payment_id = ?").param(paymentId).query(Long.class).single()).isEqualTo(1);
    }

    private ResponseEntity<String> pay(long order, String body, String key) {
        org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders();
        headers.setContentType(org.springframework.http.MediaType.APPLICATION_JSON);
        headers.setBasicAuth("sales", "sales");
        headers.set("Idempotency-Key", key);
        return http.exchange("http://127.0.0.1:" + port + "/api/orders/" + order + "/payments", HttpMethod.POST,
                new org.springframework.http.HttpEntity<>(body, headers), String.class);
    }

    private ResponseEntity<String> refund(String user, long paymentId, String amount, String key) {
        org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders();
        headers.setContentType(org.springframework.http.MediaType.APPLICATION_JSON);
        headers.setBasicAuth(user, user);
        headers.set("Idempotency-Key", key);
        return http.exchange("http://127.0.0.1:" + port + "/api/payments/" + paymentId + "/refunds", HttpMethod.POST,
                new org.springframework.http.HttpEntity<>("{\"amount\":\"" + amount + "\",\"reason\":\"damaged tea set\"}", headers),
                String.class);
    }

    @Test
    void theSandboxRecomputesRequestSignaturesAndRefusesAForgedOne() throws Exception {
        String body = "{\"appid\":\"x\",\"mchid\":\"1900000001\",\"description\":\"d\",\"out_trade_no\":\"FORGED-001\","
                + "\"notify_url\":\"http://127.0.0.1/\",\"amount\":{\"total\":1,\"currency\":\"CNY\"}}";
        HttpResponse<String> forged = client.send(HttpRequest.newBuilder(URI.create(WECHAT.baseUrl() + NATIVE))
                .header("Content-Type", "application/json")
                .header("Authorization", "WECHATPAY2-SHA256-RSA2048 mchid=\"1900000001\",nonce_str=\"abc\",timestamp=\""
                        + System.currentTimeMillis() / 1000 + "\",serial_no=\"" + io.crmhub.sandbox.WechatPaySandbox.MERCHANT_SERIAL
                        + "\",signature=\"" + java.util.Base64.getEncoder().encodeToString(new byte[256]) + "\"")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("SIGN_ERROR");
        assertThat(WECHAT.wechatPay().orders()).doesNotContainKey("FORGED-001");
    }

    @Test
    void aProviderRefusalIsA502NamingItsReasonAndAnOutageA503WithRetryAfter() {
        long order = confirmedOrder("Pay Co").id();
        WECHAT.server().stubFor(post(urlPathEqualTo(NATIVE)).atPriority(1).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"code\":\"PARAM_ERROR\",\"message\":\"appid和mch_id不匹配\"}")));
        ResponseEntity<String> refused = call("sales", HttpMethod.POST, "/api/orders/" + order + "/payments", "{\"provider\":\"wechatpay\"}");
        assertThat(refused.getStatusCode().value()).isEqualTo(502);
        assertThat(refused.getBody()).contains("PARAM_ERROR").contains("appid和mch_id不匹配");
        assertThat(jdbc.sql("SELECT status FROM payment WHERE order_id = ?").param(order).query(String.class).list()).containsExactly("FAILED");

        removeFaults();
        WECHAT.server().stubFor(post(urlPathEqualTo(NATIVE)).atPriority(1).willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", "7").withBody("{\"code\":\"SYSTEM_ERROR\",\"message\":\"系统繁忙\"}")));
        ResponseEntity<String> unavailable = call("sales", HttpMethod.POST, "/api/orders/" + order + "/payments", "{\"provider\":\"wechatpay\"}");
        assertThat(unavailable.getStatusCode().value()).isEqualTo(503);
        assertThat(unavailable.getHeaders().getFirst("Retry-After")).isEqualTo("7");
    }

    @Test
    void healthListsTheWechatPayConnectorWithItsBreaker() {
        JsonNode component = json(call("engineer", HttpMethod.GET, "/actuator/health", null)).path("components").path("paymentWechatpay");
        assertThat(component.path("status").asText()).isIn("UP", "DEGRADED");
        assertThat(component.path("details").path("circuitBreaker").asText()).isIn("CLOSED", "OPEN", "HALF_OPEN");
        assertThat(component.path("details").path("connector").asText()).isEqualTo("payment-wechatpay");
    }

    @Test
    void onlyConfirmedOrdersWithAnOpenAmountAndAConfiguredProviderArePaid() {
        long customer = createCustomer("Draft Co " + System.nanoTime(), uniquePhone(), "CN");
        long draft = json(call("sales", HttpMethod.POST, "/api/orders", order(customer, "DRAFT"))).path("id").asLong();
        ResponseEntity<String> notConfirmed = call("sales", HttpMethod.POST, "/api/orders/" + draft + "/payments", "{\"provider\":\"wechatpay\"}");
        assertThat(notConfirmed.getStatusCode().value()).isEqualTo(409);
        assertThat(notConfirmed.getBody()).contains("only CONFIRMED orders are paid");

        ResponseEntity<String> unknown = call("sales", HttpMethod.POST, "/api/orders/" + confirmedOrder("Pay Co").id() + "/payments", "{\"provider\":\"paypal\"}");
        assertThat(unknown.getStatusCode().value()).isEqualTo(400);
        assertThat(unknown.getBody()).contains("\"field\":\"provider\"").contains("[wechatpay]");

        ResponseEntity<String> missing = call("sales", HttpMethod.POST, "/api/orders/" + confirmedOrder("Pay Co").id() + "/payments", "{}");
        assertThat(missing.getStatusCode().value()).isEqualTo(400);
        assertThat(missing.getBody()).contains("\"field\":\"provider\"");
        assertThat(call("sales", HttpMethod.POST, "/api/orders/999999999/payments", "{\"provider\":\"wechatpay\"}")
                .getStatusCode().value()).isEqualTo(404);
    }

    private static String order(long customer, String status) {
        return """
                {"customerId":%d,"currency":"CNY","status":"%s",
                 "lines":[{"sku":"TG11","description":"Tea set","quantity":2,"unit":"EA","unitPrice":"0.10"},
                          {"sku":"TG12","quantity":0.5,"unit":"KG","unitPrice":"99.99"}]}""".formatted(customer, status);
    }
}
