package io.crmhub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.net.Webhook;
import io.crmhub.connector.payment.stripe.StripeSignatures;
import io.crmhub.support.TestDatabases;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
 * Stripe events signed by stripe-java ({@code Webhook.Signature.generateSignatureHeader}) with signing secrets
 * generated here — two of them, as during a rotation — against the real endpoint, inbox, broker and flow.
 */
class StripeNotificationIT extends PaymentHubTest {
    private static final String SECRET = "whsec_" + UUID.randomUUID().toString().replace("-", "");
    private static final String ROTATED = "whsec_" + UUID.randomUUID().toString().replace("-", "");
    private static final String STRANGER = "whsec_" + UUID.randomUUID().toString().replace("-", "");

    @DynamicPropertySource
    static void stripe(DynamicPropertyRegistry registry) {
        registry.add("crmhub.connectors.payment-stripe.secret-key", () -> "sk_test_" + UUID.randomUUID().toString().replace("-", ""));
        registry.add("crmhub.connectors.payment-stripe.base-url", () -> "http://127.0.0.1:1");
        registry.add("crmhub.connectors.payment-stripe.webhook-secrets[0]", () -> SECRET);
        registry.add("crmhub.connectors.payment-stripe.webhook-secrets[1]", () -> ROTATED);
        TestDatabases.own(registry, "stripe");
    }

    @Test
    void aValidEventIsAcknowledgedExactlyAndRecordsThePaymentOnce() throws Exception {
        Order order = confirmedOrder("Stripe Co");
        String pi = "pi_" + UUID.randomUUID().toString().replace("-", "");
        String payload = paymentSucceeded("evt_" + System.nanoTime(), pi, order.number(), 5020, "cny");
        ResponseEntity<String> ack = post(payload, stripeHeader(payload, SECRET, Instant.now()));
        assertThat(ack.getStatusCode().value()).isEqualTo(200);
        assertThat(ack.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue();
        assertThat(ack.getBody()).isEqualTo("{\"received\":true}");

        await().atMost(Duration.ofSeconds(20)).until(() -> paymentsFor(order.id()) == 1);
        assertThat(paidAmount(order.id())).isEqualByComparingTo("50.20");
        List<String> statuses = new ArrayList<>();
        json(call("finance", HttpMethod.GET, "/api/payments?orderId=" + order.id(), null)).path("items")
                .forEach(p -> statuses.add(p.path("status").asText() + " " + p.path("amount").asText() + " " + p.path("currency").asText()));
        assertThat(statuses).containsExactly("SUCCEEDED 50.20 CNY");
        assertThat(jdbc.sql("SELECT provider_txn_id FROM payment WHERE order_id = ?").param(order.id()).query(String.class).single())
                .isEqualTo(pi);
    }

    @Test
    void theSameEventFiftyTimesConcurrentlyHasOneEffect() throws Exception {
        Order order = confirmedOrder("Stripe Co");
        String eventId = "evt_storm_" + System.nanoTime();
        String payload = paymentSucceeded(eventId, "pi_storm" + System.nanoTime(), order.number(), 1000, "cny");
        String header = stripeHeader(payload, SECRET, Instant.now());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Integer>> acks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            acks.add(pool.submit((Callable<Integer>) () -> post(payload, header).getStatusCode().value()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> a : acks) {
            statuses.add(a.get());
        }
        pool.shutdown();
        await().atMost(Duration.ofSeconds(20)).until(() -> paymentsFor(order.id()) == 1);
        awaitFlowsIdle(); // any wrongly accepted copy has reached the flow before counting
        long inboxRows = jdbc.sql("SELECT COUNT(*) FROM inbox WHERE provider = 'stripe' AND provider_event_id = ?")
                .param(eventId).query(Long.class).single();
        assertThat(statuses).containsOnly(200);
        assertThat(inboxRows).isEqualTo(1);
        assertThat(paymentsFor(order.id())).isEqualTo(1);
        assertThat(paidAmount(order.id())).isEqualByComparingTo("10.00");
    }

    @Test
    void tamperedForeignStaleFutureAndMissingSignaturesAreRefusedAuditedAndHaveNoEffect() throws Exception {
        Order order = confirmedOrder("Stripe Co");
        String payload = paymentSucceeded("evt_bad_" + System.nanoTime(), "pi_bad" + System.nanoTime(), order.number(), 500, "cny");
        String genuine = stripeHeader(payload, SECRET, Instant.now());
        long auditsBefore = webhookRefusals();
        record Bad(String payload, String header) {
        }
        List<Bad> bad = List.of(
                new Bad(payload.replace("\"amount_received\":500", "\"amount_received\":50000"), genuine),  // body changed after signing
                new Bad(payload, stripeHeader(payload, STRANGER, Instant.now())),                           // another endpoint's secret
                new Bad(payload, stripeHeader(payload, SECRET, Instant.now().minus(Duration.ofMinutes(10)))),  // stale
                new Bad(payload, stripeHeader(payload, SECRET, Instant.now().plus(Duration.ofMinutes(10)))),   // future
                new Bad(payload, null),                                                                      // no header
                new Bad(payload, genuine.replaceAll(",v1=[0-9a-f]+", "")));                                 // no v1
        for (Bad request : bad) {
            ResponseEntity<String> answer = post(request.payload(), request.header());
            assertThat(answer.getStatusCode().value()).as(request.header()).isEqualTo(401);
        }
        assertThat(webhookRefusals() - auditsBefore).isEqualTo(bad.size());
        List<String> reasons = jdbc.sql("SELECT reason FROM audit_log WHERE action = 'webhook.refused' AND target_id = 'payments/stripe' "
                + "ORDER BY id DESC FETCH FIRST 6 ROWS ONLY").query(String.class).list();
        assertThat(String.join("\n", reasons)).contains("no v1 signature verifies", "old", "in the future",
                "missing header stripe-signature", "has no v1 signature");
        awaitFlowsIdle();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM inbox WHERE payload LIKE ?").param("%" + order.number() + "%")
                .query(Long.class).single()).isZero();
        assertThat(paymentsFor(order.id())).isZero();
    }

    @Test
    void anEventSignedWithTheSecondSecretOfARotationIsAccepted() throws Exception {
        Order order = confirmedOrder("Stripe Co");
        String payload = paymentSucceeded("evt_rot_" + System.nanoTime(), "pi_rot" + System.nanoTime(), order.number(), 5020, "cny");
        // during a roll Stripe signs with both secrets: one header, two v1 values; here only the new one is ours
        String both = stripeHeader(payload, STRANGER, Instant.now()) + ",v1="
                + stripeHeader(payload, ROTATED, Instant.now()).replaceAll(".*v1=", "");
        assertThat(post(payload, both).getStatusCode().value()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> paymentsFor(order.id()) == 1);
        assertThat(paidAmount(order.id())).isEqualByComparingTo("50.20");
    }

    @Test
    void ourSignatureIsStripesAndARefundMadeInStripesDashboardIsRecordedOnceForReview() throws Exception {
        Order order = confirmedOrder("Stripe Co");
        String pi = "pi_dash" + System.nanoTime();
        String paid = paymentSucceeded("evt_pd_" + System.nanoTime(), pi, order.number(), 5020, "cny");
        long now = Instant.now().getEpochSecond();
        String ours = "t=" + now + ",v1=" + StripeSignatures.v1(SECRET, now, paid.getBytes(StandardCharsets.UTF_8));
        assertThat(Webhook.constructEvent(paid, ours, SECRET, 300).getType()).isEqualTo("payment_intent.succeeded");
        assertThat(post(paid, ours).getStatusCode().value()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> paymentsFor(order.id()) == 1);

        // no metadata of ours: the refund names only the PaymentIntent; sent as refund.created and refund.updated
        String refund = "{\"id\":\"re_dash" + System.nanoTime() + "\",\"object\":\"refund\",\"amount\":700,\"currency\":\"cny\","
                + "\"payment_intent\":\"" + pi + "\",\"status\":\"succeeded\",\"metadata\":{}}";
        for (String type : List.of("refund.created", "refund.updated")) {
            String event = event("evt_rf_" + System.nanoTime(), type, refund);
            assertThat(post(event, stripeHeader(event, SECRET, Instant.now())).getStatusCode().value()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> paidAmount(order.id()).compareTo(new BigDecimal("43.20")) == 0);
        awaitFlowsIdle();
        assertThat(paidAmount(order.id())).isEqualByComparingTo("43.20");
        JsonNode payment = json(call("finance", HttpMethod.GET, "/api/payments?orderId=" + order.id(), null)).path("items").get(0);
        assertThat(payment.path("status").asText()).isEqualTo("NEEDS_REVIEW");
        assertThat(payment.path("reviewReason").asText()).contains("was made at stripe, not through the hub");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM refund WHERE provider_refund_id LIKE 're_dash%' AND payment_id = ?")
                .param(payment.path("id").asLong()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void eventsTheHubDoesNotActOnAreAcknowledgedAndChangeNothing() throws Exception {
        Order order = confirmedOrder("Stripe Co");
        String charge = "{\"id\":\"ch_x" + System.nanoTime() + "\",\"object\":\"charge\",\"amount\":5020,\"currency\":\"cny\","
                + "\"status\":\"succeeded\",\"metadata\":{\"crm_payment_reference\":\"" + order.number() + "\"}}";
        String event = event("evt_other_" + System.nanoTime(), "charge.succeeded", charge);
        assertThat(post(event, stripeHeader(event, SECRET, Instant.now())).getBody()).isEqualTo("{\"received\":true}");
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM inbox WHERE provider = 'stripe' AND payload LIKE ? AND processed_at IS NOT NULL")
                .param("%" + order.number() + "%").query(Long.class).single() == 1);
        assertThat(paymentsFor(order.id())).isZero();
    }

    @Test
    void aPaymentIntentNotCreatedByTheHubIsAcknowledgedAndParkedForReview() throws Exception {
        String pi = "pi_foreign" + System.nanoTime();
        String payload = paymentSucceeded("evt_foreign_" + System.nanoTime(), pi, "unused", 700, "cny")
                .replace(",\"metadata\":{\"crm_payment_reference\":\"unused\"}", "");
        assertThat(payload).doesNotContain("crm_payment_reference");
        assertThat(post(payload, stripeHeader(payload, SECRET, Instant.now())).getStatusCode().value()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM parked_message WHERE flow = 'payment-to-crm.record-payment' AND reason LIKE ?")
                .param("%" + pi + "%").query(Long.class).single() == 1);
        assertThat(jdbc.sql("SELECT reason FROM parked_message WHERE reason LIKE ?").param("%" + pi + "%").query(String.class).single())
                .isEqualTo("no payment or order with reference '" + pi + "' (stripe transaction " + pi + ", 7.00 CNY)");
    }

    // ---- building events as Stripe does ----

    private static String paymentSucceeded(String eventId, String pi, String reference, long amount, String currency) {
        return event(eventId, "payment_intent.succeeded", """
                {"id":"%s","object":"payment_intent","amount":%d,"amount_capturable":0,"amount_received":%d,"currency":"%s",\
                "client_secret":"%s_secret_x","status":"succeeded","latest_charge":"ch_1","metadata":{"crm_payment_reference":"%s"},\
                "payment_method_types":["card"]}""".formatted(pi, amount, amount, currency, pi, reference));
    }

    private static String event(String id, String type, String object) {
        return """
                {"id":"%s","object":"event","api_version":"2024-06-20","created":%d,"data":{"object":%s},"livemode":false,\
                "pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"%s"}""".formatted(id,
                Instant.now().getEpochSecond(), object, type);
    }

    private static String stripeHeader(String payload, String secret, Instant at) throws Exception {
        return Webhook.Signature.generateSignatureHeader(payload, secret, at.getEpochSecond());
    }

    private ResponseEntity<String> post(String payload, String signature) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (signature != null) {
            headers.set("Stripe-Signature", signature);
        }
        return http.exchange("http://127.0.0.1:" + port + "/webhooks/payments/stripe", HttpMethod.POST,
                new HttpEntity<>(payload.getBytes(StandardCharsets.UTF_8), headers), String.class);
    }

    // ---- CRM side ----

}
