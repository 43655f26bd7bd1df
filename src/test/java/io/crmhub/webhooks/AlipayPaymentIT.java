package io.crmhub.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.api.internal.util.AlipaySignature;
import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.finance.PaymentStatusCheck;
import io.crmhub.sandbox.AlipaySandbox;
import io.crmhub.sandbox.AlipaySandboxServer;
import io.crmhub.sandbox.ProviderSandboxes;
import io.crmhub.support.TestDatabases;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Order → pay → paid through Alipay's v2 gateway sandbox (which recomputes every request's RSA2 signature and signs
 * its answers), and notifications signed by the official SDK against the real endpoint, inbox, broker and flow.
 */
class AlipayPaymentIT extends PaymentHubTest {
    private static final AlipaySandboxServer ALIPAY = AlipaySandboxServer.start(0);
    private static final KeyPair STRANGER = io.crmhub.sandbox.WechatPaySandbox.rsa();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private final HttpClient client = HttpClient.newHttpClient();

    @Autowired
    PaymentStatusCheck statusCheck;

    @DynamicPropertySource
    static void alipay(DynamicPropertyRegistry registry) {
        ALIPAY.hubProperties("http://127.0.0.1:1/replaced-by-the-test").forEach((k, v) -> registry.add(k, () -> v));
        TestDatabases.own(registry, "alipay_payments");
        registry.add("crmhub.payments.notification-grace", () -> "0s");
        registry.add("crmhub.payments.expire-after", () -> "0s");
        registry.add("crmhub.payments.check-interval", () -> "1h");
    }

    @BeforeEach
    void removeFaults() {
        ProviderSandboxes.removePlantedStubs(ALIPAY.server());
    }

    @Test
    void anOrderIsPaidThroughAlipayAndRecordedOnce() throws Exception {
        long order = confirmedOrder("Alipay Co").id();
        ResponseEntity<String> created = pay(order);
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        JsonNode payment = json(created);
        String reference = payment.path("reference").asText();
        assertThat(payment.path("qrCodeUrl").asText()).startsWith("https://qr.alipay.com/");
        assertThat(ALIPAY.alipay().trades().get(reference).path("total_amount").asText()).isEqualTo("50.20");

        JsonNode again = json(pay(order)); // asked again while open: same trade, same QR code
        assertThat(again.path("reference").asText()).isEqualTo(reference);
        assertThat(again.path("qrCodeUrl").asText()).isEqualTo(payment.path("qrCodeUrl").asText());

        JsonNode paid = sandboxPay(reference, "");
        assertThat(paid.path("hubAnswered").asInt()).isEqualTo(200);
        assertThat(paid.path("hubAck").asText()).isEqualTo("success");
        awaitStatus(reference, "SUCCEEDED");
        assertThat(paidAmount(order)).isEqualByComparingTo("50.20");
        assertThat(paymentsFor(order)).isEqualTo(1);

        String tradeNo = paid.path("trade_no").asText();
        assertThat(tradeNo).as("Alipay trade numbers are 28 digits").matches("\\d{28}");
        List<String> events = new ArrayList<>();
        json(call("engineer", HttpMethod.GET, "/api/ops/messages?key=" + tradeNo, null)).path("messages")
                .forEach(m -> events.add(m.path("eventType").asText()));
        assertThat(events).containsExactly("alipay:trade_status_sync:TRADE_SUCCESS", "recorded");
    }

    @Test
    void anSdkSignedNotificationIsAcknowledgedWithExactlySuccessAndFiftyConcurrentCopiesHaveOneEffect() throws Exception {
        long order = confirmedOrder("Alipay Co").id();
        String reference = json(pay(order)).path("reference").asText();
        String notifyId = "storm" + System.nanoTime();
        byte[] body = form(sdkSigned(notification(notifyId, reference, "20261125" + System.nanoTime(), "50.20", now()),
                ALIPAY.alipay().alipayPrivateKey()));

        ResponseEntity<byte[]> first = notify(body);
        assertThat(first.getStatusCode().value()).isEqualTo(200);
        assertThat(first.getHeaders().getContentType().isCompatibleWith(MediaType.TEXT_PLAIN)).isTrue();
        assertThat(first.getBody()).isEqualTo("success".getBytes(StandardCharsets.US_ASCII));

        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<String>> acks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            acks.add(pool.submit((Callable<String>) () -> {
                ResponseEntity<byte[]> ack = notify(body);
                return ack.getStatusCode().value() + " " + new String(ack.getBody(), StandardCharsets.UTF_8);
            }));
        }
        List<String> answers = new ArrayList<>();
        for (Future<String> a : acks) {
            answers.add(a.get());
        }
        pool.shutdown();
        awaitStatus(reference, "SUCCEEDED");
        awaitFlowsIdle(); // any wrongly accepted copy has reached the flow before counting
        long inboxRows = jdbc.sql("SELECT COUNT(*) FROM inbox WHERE provider = 'alipay' AND provider_event_id = ?")
                .param(notifyId).query(Long.class).single();
        System.out.printf("[duplicate-storm] provider=alipay sent=51 acked=%d inbox=%d payments=%d%n",
                answers.stream().filter("200 success"::equals).count() + 1, inboxRows, paymentsFor(order));
        assertThat(answers).containsOnly("200 success");
        assertThat(inboxRows).isEqualTo(1);
        assertThat(paymentsFor(order)).isEqualTo(1);
        assertThat(paidAmount(order)).isEqualByComparingTo("50.20");
    }

    @Test
    void forgedTamperedForeignStaleAndUnsignedNotificationsAreRefusedAuditedAndHaveNoEffect() throws Exception {
        long order = confirmedOrder("Alipay Co").id();
        String reference = json(pay(order)).path("reference").asText();
        PrivateKey alipayKey = ALIPAY.alipay().alipayPrivateKey();
        Map<String, String> genuine = sdkSigned(notification("bad" + System.nanoTime(), reference, "2026112599" + System.nanoTime(),
                "50.20", now()), alipayKey);
        Map<String, String> tampered = new TreeMap<>(genuine);
        tampered.put("total_amount", "5020.00");
        Map<String, String> foreign = notification("bad2" + System.nanoTime(), reference, "2026112598" + System.nanoTime(), "50.20", now());
        foreign.put("app_id", "2021000000009999");
        Map<String, String> unsigned = new TreeMap<>(genuine);
        unsigned.remove("sign");
        long auditsBefore = webhookRefusals();
        List<Map<String, String>> bad = List.of(
                tampered,
                sdkSigned(notification("bad3" + System.nanoTime(), reference, "2026112597" + System.nanoTime(), "50.20", now()),
                        STRANGER.getPrivate()),
                sdkSigned(foreign, alipayKey),
                sdkSigned(notification("bad4" + System.nanoTime(), reference, "2026112596" + System.nanoTime(), "50.20",
                        LocalDateTime.now(ZoneOffset.ofHours(8)).minusDays(3).format(TIME)), alipayKey),
                unsigned);
        for (Map<String, String> params : bad) {
            ResponseEntity<byte[]> answer = notify(form(params));
            assertThat(answer.getStatusCode().value()).isEqualTo(401);
            assertThat(new String(answer.getBody(), StandardCharsets.UTF_8)).doesNotContain("success");
        }
        assertThat(webhookRefusals() - auditsBefore).isEqualTo(bad.size());
        awaitFlowsIdle();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM inbox WHERE provider = 'alipay' AND payload LIKE ?").param("%" + reference + "%")
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT status FROM payment WHERE payment_reference = ?").param(reference).query(String.class).single())
                .isEqualTo("CREATED");
    }

    @Test
    void aPaymentWhoseNotificationIsLostIsRecordedFromAlipaysTradeQuery() throws Exception {
        long order = confirmedOrder("Alipay Co").id();
        String reference = json(pay(order)).path("reference").asText();
        assertThat(sandboxPay(reference, "notify=false").path("notified").asBoolean(true)).isFalse();
        statusCheck.check();
        awaitStatus(reference, "SUCCEEDED");
        assertThat(paidAmount(order)).isEqualByComparingTo("50.20");
        statusCheck.check(); // asking again changes nothing
        assertThat(paymentsFor(order)).isEqualTo(1);
    }

    @Test
    void anUnscannedPaymentIsClosedOnceItExpiresAndItsQrCodeNoLongerPays() throws Exception {
        long order = confirmedOrder("Alipay Co").id();
        String reference = json(pay(order)).path("reference").asText();
        statusCheck.check();
        assertThat(jdbc.sql("SELECT status FROM payment WHERE payment_reference = ?").param(reference).query(String.class).single())
                .isEqualTo("CLOSED");
        HttpResponse<String> late = client.send(HttpRequest.newBuilder(URI.create(ALIPAY.baseUrl() + "/sandbox/pay/" + reference))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(late.statusCode()).isEqualTo(409);
    }

    @Test
    void financeRefundsTwiceAndEachRefundMovesMoneyBackOnceFromAlipaysAnswer() throws Exception {
        long order = confirmedOrder("Alipay Co").id();
        String reference = json(pay(order)).path("reference").asText();
        sandboxPay(reference, "");
        awaitStatus(reference, "SUCCEEDED");
        long paymentId = jdbc.sql("SELECT id FROM payment WHERE payment_reference = ?").param(reference).query(Long.class).single();

        ResponseEntity<String> first = refund(paymentId, "10.00", "alipay-refund-1");
        assertThat(first.getStatusCode().value()).as(first.getBody()).isEqualTo(201);
        long firstId = json(first).path("id").asLong();
        assertThat(json(refund(paymentId, "10.00", "alipay-refund-1")).path("id").asLong()).isEqualTo(firstId); // a retry
        assertThat(refund(paymentId, "5.05", "alipay-refund-2").getStatusCode().value()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("SELECT COUNT(*) FROM refund WHERE payment_id = ? AND status = 'SUCCEEDED'")
                .param(paymentId).query(Long.class).single() == 2);
        awaitFlowsIdle();
        assertThat(jdbc.sql("SELECT refunded_amount FROM payment WHERE id = ?").param(paymentId).query(BigDecimal.class).single())
                .isEqualByComparingTo("15.05");
        assertThat(paidAmount(order)).isEqualByComparingTo("35.15");
        assertThat(ALIPAY.alipay().trades().get(reference).path("refund_fee").asText()).isEqualTo("15.05");
        ResponseEntity<String> tooMuch = refund(paymentId, "35.16", "alipay-refund-3");
        assertThat(tooMuch.getStatusCode().value()).isEqualTo(409);
        assertThat(tooMuch.getBody()).contains("at most 35.15 CNY");
    }

    @Test
    void aBusinessErrorIsA502NamingItsSubCodeAnUnavailableGatewayA503AndAnUnsignedSuccessIsNotBelieved() {
        long order = confirmedOrder("Alipay Co").id();
        stubPrecreate("{\"alipay_trade_precreate_response\":{\"code\":\"40004\",\"msg\":\"Business Failed\","
                + "\"sub_code\":\"ACQ.ACCESS_FORBIDDEN\",\"sub_msg\":\"无权限使用接口\"}}");
        ResponseEntity<String> refused = pay(order);
        assertThat(refused.getStatusCode().value()).isEqualTo(502);
        assertThat(refused.getBody()).contains("ACQ.ACCESS_FORBIDDEN").contains("无权限使用接口");

        removeFaults();
        stubPrecreate("{\"alipay_trade_precreate_response\":{\"code\":\"20000\",\"msg\":\"Service Currently Unavailable\","
                + "\"sub_code\":\"isp.unknow-error\",\"sub_msg\":\"系统繁忙\"}}");
        assertThat(pay(confirmedOrder("Alipay Co").id()).getStatusCode().value()).isEqualTo(503);

        removeFaults();
        stubPrecreate("{\"alipay_trade_precreate_response\":{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"X\","
                + "\"qr_code\":\"https://qr.alipay.com/forged\"},\"sign\":\"" + Base64.getEncoder().encodeToString(new byte[256]) + "\"}");
        ResponseEntity<String> forged = pay(confirmedOrder("Alipay Co").id());
        assertThat(forged.getStatusCode().value()).isEqualTo(502);
        assertThat(forged.getBody()).contains("does not carry a valid signature").doesNotContain("qr.alipay.com/forged");
    }

    @Test
    void theSandboxRecomputesRequestSignaturesAndRefusesAForgedOne() throws Exception {
        Map<String, String> params = new TreeMap<>(Map.of("app_id", AlipaySandbox.APP_ID, "method", "alipay.trade.precreate",
                "charset", "utf-8", "sign_type", "RSA2", "timestamp", now(), "version", "1.0",
                "biz_content", "{\"out_trade_no\":\"FORGED-001\",\"total_amount\":\"1.00\",\"subject\":\"x\"}"));
        params.put("sign", AlipaySignature.rsaSign(AlipaySignature.getSignContent(params),
                Base64.getEncoder().encodeToString(STRANGER.getPrivate().getEncoded()), "utf-8", "RSA2"));
        HttpResponse<String> forged = client.send(HttpRequest.newBuilder(URI.create(ALIPAY.baseUrl() + "/gateway.do"))
                .header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(AlipaySandbox.encode(params))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.body()).contains("isv.invalid-signature");
        assertThat(ALIPAY.alipay().trades()).doesNotContainKey("FORGED-001");
    }

    @Test
    void healthListsTheAlipayConnectorWithItsBreaker() {
        JsonNode component = json(call("engineer", HttpMethod.GET, "/actuator/health", null)).path("components").path("paymentAlipay");
        assertThat(component.path("status").asText()).isIn("UP", "DEGRADED");
        assertThat(component.path("details").path("connector").asText()).isEqualTo("payment-alipay");
        assertThat(component.path("details").path("circuitBreaker").asText()).isIn("CLOSED", "OPEN", "HALF_OPEN");
    }

    // ---- helpers ----

    private void stubPrecreate(String body) {
        ALIPAY.server().stubFor(post(urlPathEqualTo("/gateway.do")).withRequestBody(containing("method=alipay.trade.precreate"))
                .atPriority(1).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html;charset=utf-8").withBody(body)));
    }

    private JsonNode sandboxPay(String reference, String query) throws Exception {
        String url = ALIPAY.baseUrl() + "/sandbox/pay/" + reference + "?notifyUrl=http://127.0.0.1:" + port + "/webhooks/payments/alipay"
                + (query.isEmpty() ? "" : "&" + query);
        HttpResponse<String> paid = client.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(paid.body());
    }

    private static Map<String, String> notification(String notifyId, String outTradeNo, String tradeNo, String amount, String notifyTime) {
        Map<String, String> p = new TreeMap<>();
        p.put("notify_time", notifyTime);
        p.put("notify_type", "trade_status_sync");
        p.put("notify_id", notifyId);
        p.put("app_id", AlipaySandbox.APP_ID);
        p.put("charset", "utf-8");
        p.put("version", "1.0");
        p.put("sign_type", "RSA2");
        p.put("trade_no", tradeNo);
        p.put("out_trade_no", outTradeNo);
        p.put("seller_id", AlipaySandbox.SELLER_ID);
        p.put("trade_status", "TRADE_SUCCESS");
        p.put("total_amount", amount);
        p.put("receipt_amount", amount);
        p.put("subject", "Order 茶具");
        p.put("gmt_payment", notifyTime);
        return p;
    }

    /** Signed as Alipay signs notifications, by the official SDK ({@code rsaSign} over {@code getSignCheckContentV1}). */
    private static Map<String, String> sdkSigned(Map<String, String> params, PrivateKey key) throws Exception {
        Map<String, String> signed = new TreeMap<>(params);
        signed.put("sign", AlipaySignature.rsaSign(AlipaySignature.getSignCheckContentV1(params),
                Base64.getEncoder().encodeToString(key.getEncoded()), "utf-8", "RSA2"));
        return signed;
    }

    private static byte[] form(Map<String, String> params) {
        return AlipaySandbox.encode(params).getBytes(StandardCharsets.US_ASCII);
    }

    private static String now() {
        return LocalDateTime.now(ZoneOffset.ofHours(8)).withNano(0).format(TIME);
    }

    private ResponseEntity<byte[]> notify(byte[] body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.parseMediaType("application/x-www-form-urlencoded; charset=utf-8"));
        return http.exchange("http://127.0.0.1:" + port + "/webhooks/payments/alipay", HttpMethod.POST, new HttpEntity<>(body, headers),
                byte[].class);
    }

    private ResponseEntity<String> pay(long order) {
        return call("sales", HttpMethod.POST, "/api/orders/" + order + "/payments", "{\"provider\":\"alipay\"}");
    }

    private ResponseEntity<String> refund(long paymentId, String amount, String key) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setBasicAuth("finance", "finance");
        headers.set("Idempotency-Key", key);
        return http.exchange("http://127.0.0.1:" + port + "/api/payments/" + paymentId + "/refunds", HttpMethod.POST,
                new HttpEntity<>("{\"amount\":\"" + amount + "\",\"reason\":\"damaged tea set\"}", headers), String.class);
    }

    private void awaitStatus(String reference, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(jdbc.sql(
                "SELECT status FROM payment WHERE payment_reference = ?").param(reference).query(String.class).single()));
    }

}
