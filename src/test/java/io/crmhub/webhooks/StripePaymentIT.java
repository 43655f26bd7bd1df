package io.crmhub.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.crmhub.sandbox.ProviderSandboxes;
import io.crmhub.sandbox.StripeSandboxServer;
import io.crmhub.support.TestDatabases;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Order → PaymentIntent → paid → refunded against the Stripe sandbox, which checks the Bearer key, keeps idempotency
 * keys as Stripe does, and signs its events with its own secret (generated per run) and its own HMAC code.
 */
class StripePaymentIT extends PaymentHubTest {
    private static final StripeSandboxServer STRIPE = StripeSandboxServer.start(0);
    private static final String INTENTS = "/v1/payment_intents";
    private final HttpClient client = HttpClient.newHttpClient();

    @Autowired
    io.crmhub.crm.finance.PaymentStatusCheck statusCheck;

    @DynamicPropertySource
    static void stripe(DynamicPropertyRegistry registry) {
        STRIPE.hubProperties("http://127.0.0.1:1/replaced-by-the-test").forEach((k, v) -> registry.add(k, () -> v));
        TestDatabases.own(registry, "stripe_payments");
        // the status check is called by the tests, with no grace and immediate expiry
        registry.add("crmhub.payments.notification-grace", () -> "0s");
        registry.add("crmhub.payments.expire-after", () -> "0s");
        registry.add("crmhub.payments.check-interval", () -> "1h");
    }

    @BeforeEach
    void pointTheSandboxAtThisHubAndRemoveFaults() {
        STRIPE.stripe().webhookUrl("http://127.0.0.1:" + port + "/webhooks/payments/stripe");
        ProviderSandboxes.removePlantedStubs(STRIPE.server());
    }

    @Test
    void anOrderIsPaidThroughAPaymentIntentCreatedOnceAndRecordedOnce() throws Exception {
        long order = confirmedOrder("CNY", "1234.56");
        ResponseEntity<String> created = createPayment(order);
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        JsonNode payment = json(created);
        String reference = payment.path("reference").asText();
        String pi = providerPaymentId(reference);
        assertThat(pi).startsWith("pi_");
        assertThat(payment.path("clientSecret").asText()).startsWith(pi + "_secret_");
        assertThat(payment.path("qrCodeUrl").isNull() || payment.path("qrCodeUrl").isMissingNode()).isTrue();
        ObjectNode intent = STRIPE.stripe().paymentIntents().get(pi);
        assertThat(intent.path("amount").asLong()).isEqualTo(123456);
        assertThat(intent.path("currency").asText()).isEqualTo("cny");
        assertThat(intent.path("metadata").path("crm_payment_reference").asText()).isEqualTo(reference);

        List<LoggedRequest> creates = STRIPE.server().findAll(postRequestedFor(urlPathEqualTo(INTENTS)));
        LoggedRequest first = creates.get(creates.size() - 1);
        assertThat(first.getHeader("Authorization")).isEqualTo("Bearer " + STRIPE.stripe().secretKey());
        assertThat(first.getHeader("Idempotency-Key")).isEqualTo("crmhub-payment-" + reference);
        assertThat(first.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(first.getBodyAsString()).contains("amount=123456", "currency=cny", "payment_method_types[]=card",
                "metadata[crm_payment_reference]=" + reference);

        // asking again while it is open: the same key, the same PaymentIntent, none created at Stripe
        JsonNode again = json(createPayment(order));
        assertThat(again.path("reference").asText()).isEqualTo(reference);
        assertThat(again.path("clientSecret").asText()).isEqualTo(payment.path("clientSecret").asText());
        assertThat(intentsFor(reference)).isEqualTo(1);
        List<LoggedRequest> retried = STRIPE.server().findAll(postRequestedFor(urlPathEqualTo(INTENTS)));
        assertThat(retried).hasSize(creates.size() + 1);
        assertThat(retried.get(retried.size() - 1).getHeader("Idempotency-Key")).isEqualTo("crmhub-payment-" + reference);

        HttpResponse<String> paid = sandbox("/sandbox/pay/" + reference);
        assertThat(paid.body()).contains("\"hubAnswered\":200");
        awaitPaymentStatus(reference, "SUCCEEDED");
        assertThat(paidAmount(order)).isEqualByComparingTo("1234.56");
        assertThat(jdbc.sql("SELECT provider_txn_id FROM payment WHERE payment_reference = ?").param(reference)
                .query(String.class).single()).isEqualTo(pi);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM payment WHERE order_id = ?").param(order).query(Long.class).single()).isEqualTo(1);

        ResponseEntity<String> nothingLeft = createPayment(order);
        assertThat(nothingLeft.getStatusCode().value()).isEqualTo(409);
        assertThat(nothingLeft.getBody()).contains("fully paid");
    }

    @Test
    void aZeroDecimalCurrencyIsSentAsItIs() throws Exception {
        long order = confirmedOrder("JPY", "1500");
        String reference = json(createPayment(order)).path("reference").asText();
        assertThat(STRIPE.stripe().paymentIntents().get(providerPaymentId(reference)).path("amount").asLong()).isEqualTo(1500);
        assertThat(STRIPE.stripe().paymentIntents().get(providerPaymentId(reference)).path("currency").asText()).isEqualTo("jpy");
        assertThat(sandbox("/sandbox/pay/" + reference).body()).contains("\"hubAnswered\":200");
        awaitPaymentStatus(reference, "SUCCEEDED");
        assertThat(paidAmount(order)).isEqualByComparingTo("1500");
    }

    @Test
    void aPaymentWhoseEventIsLostIsRecordedFromThePaymentIntentsStatus() throws Exception {
        long order = confirmedOrder("CNY", "50.20");
        String reference = json(createPayment(order)).path("reference").asText();
        assertThat(sandbox("/sandbox/pay/" + reference + "?notify=false").body()).contains("\"notified\":false");

        statusCheck.check();
        awaitPaymentStatus(reference, "SUCCEEDED");
        assertThat(paidAmount(order)).isEqualByComparingTo("50.20");
        statusCheck.check(); // asking again changes nothing
        awaitFlowsIdle();
        assertThat(paidAmount(order)).isEqualByComparingTo("50.20");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM payment WHERE order_id = ?").param(order).query(Long.class).single()).isEqualTo(1);
        assertThat(STRIPE.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlPathEqualTo(INTENTS + "/" + providerPaymentId(reference))))).isNotEmpty();
    }

    @Test
    void anUnpaidPaymentIntentIsCanceledAtStripeOnceItExpires() throws Exception {
        long order = confirmedOrder("CNY", "50.20");
        String reference = json(createPayment(order)).path("reference").asText();
        statusCheck.check();
        assertThat(jdbc.sql("SELECT status FROM payment WHERE payment_reference = ?").param(reference).query(String.class).single())
                .isEqualTo("CLOSED");
        assertThat(STRIPE.stripe().paymentIntents().get(providerPaymentId(reference)).path("status").asText()).isEqualTo("canceled");
        assertThat(sandbox("/sandbox/pay/" + reference).statusCode()).isEqualTo(409);
    }

    @Test
    void financeRefundsPartOfAPaymentOnceAndTheMoneyMovesBackOnStripesEvent() throws Exception {
        long order = confirmedOrder("CNY", "50.20");
        String reference = json(createPayment(order)).path("reference").asText();
        String pi = providerPaymentId(reference);
        sandbox("/sandbox/pay/" + reference);
        awaitPaymentStatus(reference, "SUCCEEDED");
        long paymentId = jdbc.sql("SELECT id FROM payment WHERE payment_reference = ?").param(reference).query(Long.class).single();

        ResponseEntity<String> requested = refund(paymentId, "10.00", "stripe-refund-key-1");
        assertThat(requested.getStatusCode().value()).as(requested.getBody()).isEqualTo(201);
        JsonNode refund = json(requested);
        String refundReference = refund.path("refundReference").asText();
        List<LoggedRequest> atStripe = STRIPE.server().findAll(postRequestedFor(urlPathEqualTo("/v1/refunds")))
                .stream().filter(r -> r.getBodyAsString().contains(refundReference)).toList();
        assertThat(atStripe).hasSize(1);
        assertThat(atStripe.get(0).getHeader("Idempotency-Key")).isEqualTo("crmhub-refund-" + refundReference);
        assertThat(atStripe.get(0).getHeader("Authorization")).isEqualTo("Bearer " + STRIPE.stripe().secretKey());
        assertThat(atStripe.get(0).getBodyAsString()).contains("payment_intent=" + pi, "amount=1000",
                "metadata[crm_payment_reference]=" + reference, "metadata[crm_refund_reference]=" + refundReference);
        String refundId = jdbc.sql("SELECT provider_refund_id FROM refund WHERE id = ?").param(refund.path("id").asLong())
                .query(String.class).single();
        assertThat(refundId).startsWith("re_");

        // the same request again: the same refund, nothing new at Stripe
        assertThat(json(refund(paymentId, "10.00", "stripe-refund-key-1")).path("id").asLong()).isEqualTo(refund.path("id").asLong());
        assertThat(STRIPE.stripe().refunds().values().stream().filter(r -> r.path("payment_intent").asText().equals(pi)).count())
                .isEqualTo(1);

        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCEEDED".equals(jdbc.sql(
                "SELECT status FROM refund WHERE id = ?").param(refund.path("id").asLong()).query(String.class).single()));
        await().atMost(Duration.ofSeconds(10)).until(() -> STRIPE.stripe().deliveredEvents().stream()
                .anyMatch(e -> e.startsWith("charge.refunded") && e.endsWith("-> 200")));
        assertThat(STRIPE.stripe().deliveredEvents()).anyMatch(e -> e.startsWith("refund.created") && e.endsWith("-> 200"));
        awaitFlowsIdle(); // both events processed; the money moves back once
        assertThat(jdbc.sql("SELECT refunded_amount FROM payment WHERE id = ?").param(paymentId).query(BigDecimal.class).single())
                .isEqualByComparingTo("10.00");
        assertThat(paidAmount(order)).isEqualByComparingTo("40.20");
        assertThat(jdbc.sql("SELECT status FROM payment WHERE id = ?").param(paymentId).query(String.class).single()).isEqualTo("SUCCEEDED");
    }

    @Test
    void throttlingAndOutagesAreTransientAndTheRetryGetsTheSamePaymentIntent() throws Exception {
        long order = confirmedOrder("CNY", "50.20");
        STRIPE.server().stubFor(post(urlPathEqualTo(INTENTS)).atPriority(1).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "7").withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"rate_limit\",\"message\":\"Too many requests\"}}")));
        ResponseEntity<String> throttled = createPayment(order);
        assertThat(throttled.getStatusCode().value()).isEqualTo(503);
        assertThat(throttled.getHeaders().getFirst("Retry-After")).isEqualTo("7");
        assertThat(jdbc.sql("SELECT status FROM payment WHERE order_id = ?").param(order).query(String.class).list()).containsExactly("CREATED");

        pointTheSandboxAtThisHubAndRemoveFaults();
        STRIPE.server().stubFor(post(urlPathEqualTo(INTENTS)).atPriority(1).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"Something went wrong on Stripe's end.\"}}")));
        for (int i = 0; i < 3; i++) {
            assertThat(createPayment(order).getStatusCode().value()).isEqualTo(503);
        }
        pointTheSandboxAtThisHubAndRemoveFaults();
        ResponseEntity<String> recovered = createPayment(order);
        assertThat(recovered.getStatusCode().value()).as(recovered.getBody()).isEqualTo(201);
        String reference = json(recovered).path("reference").asText();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM payment WHERE order_id = ?").param(order).query(Long.class).single()).isEqualTo(1);
        assertThat(intentsFor(reference)).isEqualTo(1);
        assertThat(STRIPE.server().findAll(postRequestedFor(urlPathEqualTo(INTENTS))).stream()
                .filter(r -> r.getBodyAsString().contains(reference)).map(r -> r.getHeader("Idempotency-Key")).distinct().toList())
                .containsExactly("crmhub-payment-" + reference);
    }

    @Test
    void aStripeRefusalFailsThePaymentNamingStripesReason() {
        long order = confirmedOrder("CNY", "50.20");
        STRIPE.server().stubFor(post(urlPathEqualTo(INTENTS)).atPriority(1).willReturn(aResponse().withStatus(402)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"type\":\"card_error\",\"code\":\"card_declined\","
                        + "\"decline_code\":\"generic_decline\",\"message\":\"Your card was declined.\"}}")));
        ResponseEntity<String> declined = createPayment(order);
        assertThat(declined.getStatusCode().value()).isEqualTo(502);
        assertThat(declined.getBody()).contains("card_error", "code=card_declined", "Your card was declined.");
        assertThat(jdbc.sql("SELECT status FROM payment WHERE order_id = ?").param(order).query(String.class).list()).containsExactly("FAILED");

        long other = confirmedOrder("CNY", "50.20");
        pointTheSandboxAtThisHubAndRemoveFaults();
        STRIPE.server().stubFor(post(urlPathEqualTo(INTENTS)).atPriority(1).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"type\":\"invalid_request_error\","
                        + "\"code\":\"parameter_invalid_integer\",\"param\":\"amount\",\"message\":\"Invalid integer: 50.2\"}}")));
        ResponseEntity<String> invalid = createPayment(other);
        assertThat(invalid.getStatusCode().value()).isEqualTo(502);
        assertThat(invalid.getBody()).contains("parameter_invalid_integer", "param=amount");
        assertThat(jdbc.sql("SELECT review_reason FROM payment WHERE order_id = ?").param(other).query(String.class).single())
                .contains("parameter_invalid_integer");
    }

    @Test
    void theSandboxRefusesAWrongKeyAndAReusedIdempotencyKeyWithOtherParameters() throws Exception {
        HttpResponse<String> noKey = client.send(HttpRequest.newBuilder(URI.create(STRIPE.baseUrl() + INTENTS))
                .header("Authorization", "Bearer sk_test_wrong").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("amount=100&currency=usd")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(json(noKey.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");

        String key = "test-key-" + System.nanoTime();
        HttpResponse<String> firstUse = stripeCreate(key, "amount=100&currency=usd");
        HttpResponse<String> sameAgain = stripeCreate(key, "amount=100&currency=usd");
        HttpResponse<String> otherParams = stripeCreate(key, "amount=200&currency=usd");
        assertThat(firstUse.statusCode()).isEqualTo(200);
        assertThat(sameAgain.body()).isEqualTo(firstUse.body());
        assertThat(sameAgain.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(otherParams.statusCode()).isEqualTo(400);
        assertThat(json(otherParams.body()).path("error").path("type").asText()).isEqualTo("idempotency_error");
        HttpResponse<String> notAnInteger = stripeCreate("test-key-b-" + System.nanoTime(), "amount=50.2&currency=usd");
        assertThat(notAnInteger.statusCode()).isEqualTo(400);
        assertThat(json(notAnInteger.body()).path("error").path("code").asText()).isEqualTo("parameter_invalid_integer");
    }

    @Test
    void healthListsTheStripeConnectorWithItsBreaker() {
        JsonNode component = json(call("engineer", HttpMethod.GET, "/actuator/health", null)).path("components").path("paymentStripe");
        assertThat(component.path("status").asText()).isIn("UP", "DEGRADED");
        assertThat(component.path("details").path("circuitBreaker").asText()).isIn("CLOSED", "OPEN", "HALF_OPEN");
        assertThat(component.path("details").path("connector").asText()).isEqualTo("payment-stripe");
        assertThat(component.toString()).doesNotContain(STRIPE.stripe().secretKey()).doesNotContain(STRIPE.stripe().webhookSecret());
    }

    // ---- helpers ----

    @Test
    void aPatchToTheStripeWebhookIs405WithAllowAsProblemJson() throws Exception {
        HttpResponse<String> patch = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/payments/stripe"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(patch.statusCode()).isEqualTo(405);
        assertThat(patch.headers().firstValue("Allow")).hasValue("POST");
        assertThat(patch.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(patch.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    private HttpResponse<String> stripeCreate(String idempotencyKey, String form) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(STRIPE.baseUrl() + INTENTS))
                .header("Authorization", "Bearer " + STRIPE.stripe().secretKey()).header("Idempotency-Key", idempotencyKey)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> sandbox(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(STRIPE.baseUrl() + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private ResponseEntity<String> createPayment(long order) {
        return call("sales", HttpMethod.POST, "/api/orders/" + order + "/payments", "{\"provider\":\"stripe\"}");
    }

    private ResponseEntity<String> refund(long paymentId, String amount, String key) {
        org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders();
        headers.setContentType(org.springframework.http.MediaType.APPLICATION_JSON);
        headers.setBasicAuth("finance", "finance");
        headers.set("Idempotency-Key", key);
        return http.exchange("http://127.0.0.1:" + port + "/api/payments/" + paymentId + "/refunds", HttpMethod.POST,
                new org.springframework.http.HttpEntity<>("{\"amount\":\"" + amount + "\",\"reason\":\"damaged tea set\"}", headers),
                String.class);
    }

    private String providerPaymentId(String reference) {
        return jdbc.sql("SELECT provider_payment_id FROM payment WHERE payment_reference = ?").param(reference).query(String.class).single();
    }

    private long intentsFor(String reference) {
        return STRIPE.stripe().paymentIntents().values().stream()
                .filter(i -> reference.equals(i.path("metadata").path("crm_payment_reference").asText())).count();
    }

    private void awaitPaymentStatus(String reference, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(jdbc.sql(
                "SELECT status FROM payment WHERE payment_reference = ?").param(reference).query(String.class).single()));
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private long confirmedOrder(String currency, String unitPrice) {
        long customer = createCustomer("Stripe Pay Co " + System.nanoTime(), uniquePhone(), "CN");
        ResponseEntity<String> created = call("sales", HttpMethod.POST, "/api/orders", """
                {"customerId":%d,"currency":"%s","status":"CONFIRMED",
                 "lines":[{"sku":"TG11","description":"Tea set","quantity":1,"unit":"EA","unitPrice":"%s"}]}"""
                .formatted(customer, currency, unitPrice));
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        return json(created).path("id").asLong();
    }
}
