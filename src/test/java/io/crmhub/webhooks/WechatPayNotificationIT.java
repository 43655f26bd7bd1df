package io.crmhub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.sandbox.WechatPaySandbox;
import io.crmhub.support.TestDatabases;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * WeChat Pay v3 notifications built the way WeChat builds them — AES-256-GCM encrypted resource, SHA256withRSA over
 * {@code ts\nnonce\nbody\n} with a platform key generated here — against the real endpoint, inbox, broker and flow.
 */
class WechatPayNotificationIT extends PaymentHubTest {
    private static final String SERIAL = "PUB_KEY_ID_0114232134912410000000000000";
    private static final String API_V3_KEY = WechatPaySandbox.randomKey();
    private static final KeyPair PLATFORM = WechatPaySandbox.rsa();
    private static final KeyPair STRANGER = WechatPaySandbox.rsa();

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @DynamicPropertySource
    static void wechatPay(DynamicPropertyRegistry registry) {
        registry.add("crmhub.connectors.payment-wechatpay.merchant-id", () -> "1900000001");
        TestDatabases.own(registry, "wechatpay");
        registry.add("crmhub.connectors.payment-wechatpay.api-v3-key", () -> API_V3_KEY);
        registry.add("crmhub.connectors.payment-wechatpay.platform-public-keys[0].serial", () -> SERIAL);
        registry.add("crmhub.connectors.payment-wechatpay.platform-public-keys[0].key", () ->
                "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(PLATFORM.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
    }

    @Test
    void aValidNotificationIsAcknowledgedAndRecordsThePaymentOnce() {
        Order order = confirmedOrder("Pay Co");
        String body = notification("EV-" + System.nanoTime(), order.number(), "4200000" + System.nanoTime(), 2010, "CNY");
        ResponseEntity<String> ack = post(signed(body, PLATFORM.getPrivate(), Instant.now()));
        assertThat(ack.getStatusCode().value()).isEqualTo(204);
        assertThat(ack.getBody()).isNull();
        assertThat(ack.getHeaders().getFirst("X-Content-Type-Options")).isEqualTo("nosniff");

        await().atMost(Duration.ofSeconds(20)).until(() -> paymentsFor(order.id()) == 1);
        assertThat(paidAmount(order.id())).isEqualByComparingTo("20.10");
        JsonNode payment = json(call("finance", HttpMethod.GET, "/api/payments?size=200", null)).path("items");
        List<String> statuses = new ArrayList<>();
        payment.forEach(p -> {
            if (p.path("orderId").asLong() == order.id()) {
                statuses.add(p.path("status").asText() + " " + p.path("amount").asText() + " " + p.path("currency").asText());
            }
        });
        assertThat(statuses).containsExactly("SUCCEEDED 20.10 CNY");
    }

    @Test
    void theSameNotificationFiftyTimesConcurrentlyHasOneEffect() throws Exception {
        Order order = confirmedOrder("Pay Co");
        String eventId = "EV-storm-" + System.nanoTime();
        String body = notification(eventId, order.number(), "4200001" + System.nanoTime(), 1000, "CNY");
        HttpEntity<byte[]> request = signed(body, PLATFORM.getPrivate(), Instant.now());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Integer>> acks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            acks.add(pool.submit((Callable<Integer>) () -> post(request).getStatusCode().value()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> a : acks) {
            statuses.add(a.get());
        }
        pool.shutdown();
        await().atMost(Duration.ofSeconds(20)).until(() -> paymentsFor(order.id()) == 1);
        awaitFlowsIdle(); // any wrongly accepted copy has reached the flow before counting
        long inboxRows = jdbc.sql("SELECT COUNT(*) FROM inbox WHERE provider = 'wechatpay' AND provider_event_id = ?")
                .param(eventId).query(Long.class).single();
        System.out.printf("[duplicate-storm] sent=50 acked=%d inbox=%d payments=%d paid=%s%n",
                statuses.stream().filter(s -> s == 204).count(), inboxRows, paymentsFor(order.id()), paidAmount(order.id()).toPlainString());
        assertThat(statuses).containsOnly(204);
        assertThat(inboxRows).isEqualTo(1);
        assertThat(paymentsFor(order.id())).isEqualTo(1);
        assertThat(paidAmount(order.id())).isEqualByComparingTo("10.00");
    }

    @Test
    void forgedTamperedStaleProbeAndUnknownKeyNotificationsAreRefusedAuditedAndHaveNoEffect() {
        Order order = confirmedOrder("Pay Co");
        String body = notification("EV-bad-" + System.nanoTime(), order.number(), "4200002" + System.nanoTime(), 500, "CNY");
        long auditsBefore = webhookRefusals();

        HttpEntity<byte[]> genuine = signed(body, PLATFORM.getPrivate(), Instant.now());
        HttpHeaders tamperedHeaders = new HttpHeaders();
        tamperedHeaders.putAll(genuine.getHeaders());
        String tamperedBody = body.replace("\"summary\":\"支付成功\"", "\"summary\":\"支付成功 \"");
        List<HttpEntity<byte[]>> bad = List.of(
                new HttpEntity<>(tamperedBody.getBytes(StandardCharsets.UTF_8), tamperedHeaders),   // body changed after signing
                signed(body, STRANGER.getPrivate(), Instant.now()),                                  // wrong key
                signed(body, PLATFORM.getPrivate(), Instant.now().minus(Duration.ofMinutes(10))),   // stale
                withHeader(genuine, "Wechatpay-Signature", "WECHATPAY/SIGNTEST/" + genuine.getHeaders().getFirst("Wechatpay-Signature")),
                withHeader(genuine, "Wechatpay-Serial", "PUB_KEY_ID_UNKNOWN"),
                withHeader(genuine, "Wechatpay-Timestamp", null));
        for (HttpEntity<byte[]> request : bad) {
            ResponseEntity<String> answer = post(request);
            assertThat(answer.getStatusCode().value()).as(answer.getBody()).isEqualTo(401);
            assertThat(answer.getBody()).contains("\"code\":\"FAIL\"");
        }
        assertThat(webhookRefusals() - auditsBefore).isEqualTo(bad.size());
        assertThat(jdbc.sql("SELECT COUNT(*) FROM inbox WHERE payload LIKE ?").param("%" + order.number() + "%")
                .query(Long.class).single()).isZero();
        assertThat(paymentsFor(order.id())).isZero();
    }

    @Test
    void anUnknownProviderAnotherMethodAndAnOversizedBodyAreAnsweredWithoutEffectAndTheEndpointIsDocumented() throws Exception {
        Order order = confirmedOrder("Edge Co");
        HttpEntity<byte[]> genuine = signed(notification("EV-edge-" + System.nanoTime(), order.number(), "4200003" + System.nanoTime(),
                100, "CNY"), PLATFORM.getPrivate(), Instant.now());
        String base = "http://127.0.0.1:" + port + "/webhooks/payments/";

        ResponseEntity<String> unknown = http.exchange(base + "paypal", HttpMethod.POST, genuine, String.class);
        assertThat(unknown.getStatusCode().value()).isEqualTo(404);
        assertThat(json(unknown).path("message").asText()).isEqualTo("no connector serves /webhooks/payments/paypal");
        assertThat(unknown.getHeaders().getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(http.exchange(base + "wechatpay/extra", HttpMethod.POST, genuine, String.class).getStatusCode().value()).isEqualTo(404);
        // WeChat Pay has no handshake: GET is another method, like PATCH (which was 501 before one ingress served all)
        for (String method : List.of("GET", "PATCH", "PUT", "DELETE")) {
            java.net.http.HttpResponse<String> other = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create(base + "wechatpay")).method(method, java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).as(method).isEqualTo(405);
            assertThat(other.headers().firstValue("Allow")).as(method).hasValue("POST");
            assertThat(other.headers().firstValue("X-Content-Type-Options")).as(method).hasValue("nosniff");
        }

        HttpHeaders headers = new HttpHeaders();
        headers.putAll(genuine.getHeaders());
        ResponseEntity<String> oversized = http.exchange(base + "wechatpay", HttpMethod.POST, new HttpEntity<>(new byte[300 * 1024], headers), String.class);
        assertThat(oversized.getStatusCode().value()).isEqualTo(413);
        assertThat(oversized.getHeaders().getFirst("X-Content-Type-Options")).isEqualTo("nosniff");

        assertThat(paymentsFor(order.id())).isZero();
        assertThat(json(http.getForEntity("http://127.0.0.1:" + port + "/v3/api-docs", String.class))
                .path("paths").path("/webhooks/payments/wechatpay").has("post")).isTrue();
        assertThat(meters.find("http.server.requests").tag("uri", "/webhooks/payments/{provider}").tag("status", "404").timer())
                .as("HTTP metrics name the endpoint by its pattern").isNotNull();
    }

    @Test
    void aNotificationForAnUnknownOrderIsAcknowledgedAndParkedForReview() {
        String reference = "SO-UNKNOWN-" + System.nanoTime();
        String body = notification("EV-unknown-" + System.nanoTime(), reference, "4200003" + System.nanoTime(), 700, "CNY");
        assertThat(post(signed(body, PLATFORM.getPrivate(), Instant.now())).getStatusCode().value()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM parked_message WHERE flow = 'payment-to-crm.record-payment' AND reason LIKE ?")
                .param("%" + reference + "%").query(Long.class).single() == 1);
        String reason = jdbc.sql("SELECT reason FROM parked_message WHERE reason LIKE ?").param("%" + reference + "%")
                .query(String.class).single();
        assertThat(reason).isEqualTo("no payment or order with reference '" + reference + "' (wechatpay transaction "
                + reason.replaceAll(".*transaction (\\d+),.*", "$1") + ", 7.00 CNY)");
    }

    @Test
    void aPaymentInAnotherCurrencyOrBeyondTheTotalIsFlaggedForFinance() {
        Order order = confirmedOrder("Pay Co"); // total 50.20 CNY
        post(signed(notification("EV-usd-" + System.nanoTime(), order.number(), "4200004" + System.nanoTime(), 100, "USD"),
                PLATFORM.getPrivate(), Instant.now()));
        post(signed(notification("EV-over-" + System.nanoTime(), order.number(), "4200005" + System.nanoTime(), 6000, "CNY"),
                PLATFORM.getPrivate(), Instant.now()));
        await().atMost(Duration.ofSeconds(20)).until(() -> paymentsFor(order.id()) == 2);
        List<String> reviews = new ArrayList<>();
        json(call("finance", HttpMethod.GET, "/api/payments?status=NEEDS_REVIEW&orderId=" + order.id(), null)).path("items")
                .forEach(p -> reviews.add(p.path("reviewReason").asText()));
        assertThat(reviews).containsExactlyInAnyOrder(
                "currency USD differs from the order's CNY; not counted as paid",
                "over-payment: order total 50.20 CNY, paid 60.00");
        assertThat(paidAmount(order.id())).isEqualByComparingTo("60.00");
    }

    // ---- building notifications as WeChat Pay does ----

    @Test
    void aRefundNotificationOvertakingOurOwnRequestCompletesThatRefundNotAConsoleOne() {
        Order order = confirmedOrder("Overtaken Co");
        String transactionId = "4200009" + System.nanoTime();
        post(signed(notification("EV-paid-" + System.nanoTime(), order.number(), transactionId, 5020, "CNY"), PLATFORM.getPrivate(), Instant.now()));
        await().atMost(Duration.ofSeconds(20)).until(() -> paymentsFor(order.id()) == 1);
        long paymentId = jdbc.sql("SELECT id FROM payment WHERE order_id = ?").param(order.id()).query(Long.class).single();
        String reference = jdbc.sql("SELECT payment_reference FROM payment WHERE id = ?").param(paymentId).query(String.class).single();
        // our refund is committed and its request is in flight: WeChat's answer (with its refund id) has not come back yet
        java.sql.Timestamp now = java.sql.Timestamp.from(Instant.now());
        jdbc.sql("""
                INSERT INTO refund (payment_id, refund_reference, status, currency, amount, reason, requested_by, created_at, updated_at)
                VALUES (?, ?, 'REQUESTED', 'CNY', 10.00, 'damaged', 'finance', ?, ?)""").params(paymentId, reference + "-R1", now, now).update();

        String refundId = "50300000" + String.format("%021d", System.nanoTime()); // 29 digits, as WeChat's refund ids
        String plain = """
                {"mchid":"1900000001","out_trade_no":"%s","transaction_id":"%s","out_refund_no":"%s-R1","refund_id":"%s",
                 "refund_status":"SUCCESS","success_time":"2026-11-25T13:40:00+08:00",
                 "amount":{"total":5020,"refund":1000,"payer_total":5020,"payer_refund":1000,"currency":"CNY"}}"""
                .formatted(reference, transactionId, reference, refundId);
        String nonce = "r3fundn0nce1";
        String body = """
                {"id":"EV-refund-%d","create_time":"2026-11-25T13:40:00+08:00","resource_type":"encrypt-resource","event_type":"REFUND.SUCCESS","summary":"退款成功","resource":{"original_type":"refund","algorithm":"AEAD_AES_256_GCM","ciphertext":"%s","associated_data":"refund","nonce":"%s"}}"""
                .formatted(System.nanoTime(), WechatPaySandbox.encrypt(API_V3_KEY, plain, nonce, "refund"), nonce);
        assertThat(post(signed(body, PLATFORM.getPrivate(), Instant.now())).getStatusCode().value()).isEqualTo(204);

        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(jdbc.sql(
                "SELECT status FROM refund WHERE refund_reference = ?").param(reference + "-R1").query(String.class).single()));
        assertThat(jdbc.sql("SELECT provider_refund_id FROM refund WHERE refund_reference = ?").param(reference + "-R1")
                .query(String.class).single()).isEqualTo(refundId);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM refund WHERE payment_id = ?").param(paymentId).query(Long.class).single())
                .as("no second, 'made at the provider' refund").isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM payment WHERE id = ? AND review_reason IS NULL").param(paymentId)
                .query(Long.class).single()).as("not flagged for review").isEqualTo(1);
        assertThat(paidAmount(order.id())).isEqualByComparingTo("40.20");
    }

    private static String notification(String eventId, String outTradeNo, String transactionId, long fen, String currency) {
        String transaction = """
                {"mchid":"1900000001","appid":"wxd678efh567hg6787","out_trade_no":"%s","transaction_id":"%s","trade_type":"NATIVE",
                 "trade_state":"SUCCESS","trade_state_desc":"支付成功","success_time":"2026-11-25T13:29:35+08:00",
                 "payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":%d,"payer_total":%d,"currency":"%s","payer_currency":"%s"}}"""
                .formatted(outTradeNo, transactionId, fen, fen, currency, currency);
        String nonce = "fdasflkja484";
        String ciphertext = WechatPaySandbox.encrypt(API_V3_KEY, transaction, nonce, "transaction");
        return """
                {"id":"%s","create_time":"2026-11-25T13:29:35+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"%s","associated_data":"transaction","nonce":"%s"}}"""
                .formatted(eventId, ciphertext, nonce);
    }

    private static HttpEntity<byte[]> signed(String body, PrivateKey key, Instant at) {
        String ts = String.valueOf(at.getEpochSecond());
        String nonce = Long.toHexString(new SecureRandom().nextLong()) + Long.toHexString(System.nanoTime());
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.set("Wechatpay-Timestamp", ts);
        headers.set("Wechatpay-Nonce", nonce);
        headers.set("Wechatpay-Serial", SERIAL);
        headers.set("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
        headers.set("Wechatpay-Signature", WechatPaySandbox.sign(key, ts + "\n" + nonce + "\n" + body + "\n"));
        return new HttpEntity<>(body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static HttpEntity<byte[]> withHeader(HttpEntity<byte[]> request, String name, String value) {
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(request.getHeaders());
        if (value == null) {
            headers.remove(name);
        } else {
            headers.set(name, value);
        }
        return new HttpEntity<>(request.getBody(), headers);
    }

    private ResponseEntity<String> post(HttpEntity<byte[]> request) {
        return http.exchange("http://127.0.0.1:" + port + "/webhooks/payments/wechatpay", HttpMethod.POST, request, String.class);
    }

    // ---- CRM side ----

}
