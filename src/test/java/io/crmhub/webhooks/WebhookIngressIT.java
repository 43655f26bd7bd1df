package io.crmhub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.NotificationRefusedException;
import io.crmhub.routing.WebhookVerifier;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.TestDatabases;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The ingress with test-only providers of a category {@code test} (a signed one with a GET handshake, one per
 * account), the way a connector contributes them: a verifier bean, nothing else. Real servlet, filters, inbox, outbox
 * and audit log.
 */
class WebhookIngressIT extends HubIntegrationTest {
    private static final byte[] SECRET = new SecureRandom().generateSeed(32);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The event a test provider sends, as the fixture verifiers store it. */
    record TestEvent(String account, String id, String type) {
    }

    /**
     * {@code X-Test-Signature: hex(HMAC-SHA256(secret, body))} on a JSON {@code {"id","type"}}; the handshake signs
     * {@code timestamp\nnonce\nechostr} into {@code signature} and wants {@code echostr} back, as WeChat's does.
     */
    static final class SignedTestVerifier implements WebhookVerifier<TestEvent> {
        private static final Endpoint ENDPOINT = Endpoint.at("test", "signed-test")
                .events("interaction", "crm.test.notified")
                .acknowledgedWith(Acknowledgement.text("ok"))
                .documented(Documentation.of("Test: a signed event", "HMAC of the body.", "{\"id\":\"E1\",\"type\":\"ping\"}")
                        .headers(new Field("X-Test-Signature", "hex HMAC-SHA256 of the body")))
                .handshake(Documentation.of("Test: the URL check", "Echoes a signed challenge.", "3120758716583393346")
                        .query(new Field("signature", "hex HMAC-SHA256 of timestamp\\nnonce\\nechostr"),
                                new Field("timestamp", "Unix seconds"), new Field("nonce", "random"), new Field("echostr", "the challenge")));
        private final ObjectMapper json = new ObjectMapper();

        @Override
        public Endpoint endpoint() {
            return ENDPOINT;
        }

        @Override
        public Verified<TestEvent> verify(Request request) {
            if (!signatureMatches(request.header("x-test-signature"), request.body())) {
                throw new NotificationRefusedException("X-Test-Signature does not verify");
            }
            TestEvent event = parse(request.account(), request.body());
            return new Verified<>(event.id(), event.type(), "ticket-" + event.id(), event);
        }

        @Override
        public Acknowledgement handshake(Request request) {
            String echo = request.queryParameter("echostr");
            String signed = request.queryParameter("timestamp") + "\n" + request.queryParameter("nonce") + "\n" + echo;
            if (echo == null || !signatureMatches(request.queryParameter("signature"), signed.getBytes(StandardCharsets.UTF_8))) {
                throw new NotificationRefusedException("handshake signature does not verify");
            }
            return Acknowledgement.text(echo);
        }

        TestEvent parse(String account, byte[] body) {
            try {
                JsonNode node = json.readTree(body);
                return new TestEvent(account, node.path("id").asText(), node.path("type").asText());
            } catch (IOException e) {
                throw new NotificationRefusedException("not JSON");
            }
        }
    }

    /** One hub serving several accounts of a provider: {@code /webhooks/test/per-account/{account}}, no handshake. */
    static final class PerAccountTestVerifier implements WebhookVerifier<TestEvent> {
        private static final Endpoint ENDPOINT = Endpoint.at("test", "per-account").withAccountSegment()
                .events("interaction", "crm.test.notified")
                .documented(Documentation.of("Test: an event for one account", "HMAC of the body.", "{\"id\":\"E1\",\"type\":\"ping\"}"));
        private final SignedTestVerifier signed = new SignedTestVerifier();

        @Override
        public Endpoint endpoint() {
            return ENDPOINT;
        }

        @Override
        public boolean servesAccount(String account) {
            return Set.of("acme", "globex").contains(account);
        }

        @Override
        public Verified<TestEvent> verify(Request request) {
            if (!signatureMatches(request.header("x-test-signature"), request.body())) {
                throw new NotificationRefusedException("X-Test-Signature does not verify");
            }
            TestEvent event = signed.parse(request.account(), request.body());
            // event ids are unique per account only, so the account is part of the inbox key
            return new Verified<>(request.account() + ":" + event.id(), event.type(), "ticket-" + event.id(), event);
        }
    }

    @DynamicPropertySource
    static void ownStore(DynamicPropertyRegistry registry) {
        TestDatabases.own(registry, "webhooks"); // a context of its own (the fixtures), so a store of its own
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Fixtures {
        @Bean
        SignedTestVerifier signedTestVerifier() {
            return new SignedTestVerifier();
        }

        @Bean
        PerAccountTestVerifier perAccountTestVerifier() {
            return new PerAccountTestVerifier();
        }
    }

    @Test
    void aSignedNotificationIsStoredOnceRoutedToTheDeclaredAddressAndAcknowledgedExactly() throws Exception {
        String id = "E-" + System.nanoTime();
        String body = "{\"id\":\"" + id + "\",\"type\":\"ping\"}";
        for (int copy = 0; copy < 2; copy++) {
            HttpResponse<String> ack = send(signedPost("/webhooks/test/signed-test", body));
            assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
            assertThat(ack.body()).isEqualTo("ok");
            assertThat(ack.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
            assertNoSniff(ack);
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM inbox WHERE provider = 'signed-test' AND provider_event_id = ?").param(id)
                .query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT aggregate_type || ' ' || aggregate_id || ' ' || destination || ' ' || event_type FROM outbox WHERE aggregate_id = ?")
                .param("ticket-" + id).query(String.class).list())
                .containsExactly("interaction ticket-" + id + " crm.test.notified signed-test:ping");
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM outbox WHERE aggregate_id = ? AND published_at IS NOT NULL").param("ticket-" + id).query(Long.class).single() == 1);
    }

    @Test
    void aForgedNotificationIsRefusedWith401AuditedAndStoresNothing() throws Exception {
        String id = "E-forged-" + System.nanoTime();
        long before = refusals("test/signed-test");
        HttpResponse<String> refused = send(request("/webhooks/test/signed-test")
                .header("X-Test-Signature", sign("something else".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"type\":\"ping\"}")));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(refused.body())).isEqualTo(JSON.readTree("""
                {"type":"https://crmhub.io/problems/401","title":"Unauthorized","status":401,"detail":"notification refused",
                 "code":"FAIL","message":"notification refused"}"""));
        assertNoSniff(refused);
        assertThat(refusals("test/signed-test") - before).isEqualTo(1);
        assertThat(jdbc.sql("SELECT reason FROM audit_log WHERE action = 'webhook.refused' AND target_id = 'test/signed-test' ORDER BY id DESC")
                .query(String.class).list().get(0)).isEqualTo("X-Test-Signature does not verify");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM inbox WHERE provider_event_id = ?").param(id).query(Long.class).single()).isZero();
    }

    @Test
    void theHandshakeEchoesAVerifiedChallengeAndRefusesAForgedOneWith401AndAnAuditEntry() throws Exception {
        String echo = String.valueOf(System.nanoTime());
        String ts = String.valueOf(System.currentTimeMillis() / 1000);
        String signature = sign((ts + "\nn0nce\n" + echo).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> echoed = send(request("/webhooks/test/signed-test?signature=" + signature + "&timestamp=" + ts
                + "&nonce=n0nce&echostr=" + echo).GET());
        assertThat(echoed.statusCode()).isEqualTo(200);
        assertThat(echoed.body()).isEqualTo(echo);
        assertNoSniff(echoed);

        long before = refusals("test/signed-test");
        HttpResponse<String> forged = send(request("/webhooks/test/signed-test?signature=" + signature + "&timestamp=" + ts
                + "&nonce=n0nce&echostr=" + URLEncoder.encode(echo + " or else", StandardCharsets.UTF_8)).GET());
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(forged.body()).path("message").asText()).isEqualTo("handshake refused");
        assertThat(forged.body()).doesNotContain(echo);
        assertNoSniff(forged);
        assertThat(refusals("test/signed-test") - before).isEqualTo(1);
        assertThat(jdbc.sql("SELECT reason FROM audit_log WHERE action = 'webhook.refused' AND target_id = 'test/signed-test' ORDER BY id DESC")
                .query(String.class).list().get(0)).isEqualTo("handshake signature does not verify");
    }

    @Test
    void everyOtherMethodIs405WithAllowAndGetIs405WhereThereIsNoHandshake() throws Exception {
        for (String method : new String[] {"PATCH", "PUT", "DELETE", "OPTIONS"}) {
            HttpResponse<String> answer = send(request("/webhooks/test/signed-test")
                    .method(method, HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(answer.statusCode()).as(method).isEqualTo(405);
            assertThat(answer.headers().firstValue("Allow")).as(method).hasValue("GET, POST");
            assertThat(answer.headers().firstValue("Content-Type")).as(method).hasValue("application/problem+json");
            assertThat(JSON.readTree(answer.body()).path("code").asText()).isEqualTo("FAIL");
            assertNoSniff(answer);
        }
        HttpResponse<String> get = send(request("/webhooks/test/per-account/acme").GET());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertNoSniff(get);
    }

    @Test
    void anUnknownCategoryProviderOrAccountAndAMissingOrExtraSegmentAre404() throws Exception {
        for (String path : new String[] {"/webhooks", "/webhooks/", "/webhooks/test", "/webhooks/nope/signed-test",
                "/webhooks/test/nope", "/webhooks/test/signed-test/extra", "/webhooks/test/per-account",
                "/webhooks/test/per-account/initech", "/webhooks/payments/paypal"}) {
            HttpResponse<String> answer = send(signedPost(path, "{\"id\":\"E404\",\"type\":\"ping\"}"));
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(JSON.readTree(answer.body()).path("code").asText()).as(path).isEqualTo("FAIL");
            assertNoSniff(answer);
        }
        assertThat(JSON.readTree(send(signedPost("/webhooks/test/nope", "{}")).body()).path("message").asText())
                .isEqualTo("no connector serves /webhooks/test/nope");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM inbox WHERE provider_event_id LIKE '%E404'").query(Long.class).single()).isZero();
    }

    @Test
    void aPerAccountEndpointHandsTheAccountToItsVerifier() throws Exception {
        String id = "E-acct-" + System.nanoTime();
        String body = "{\"id\":\"" + id + "\",\"type\":\"message\"}";
        assertThat(send(signedPost("/webhooks/test/per-account/acme", body)).statusCode()).isEqualTo(204);
        assertThat(send(signedPost("/webhooks/test/per-account/globex", body)).statusCode()).isEqualTo(204);
        assertThat(jdbc.sql("SELECT provider_event_id FROM inbox WHERE provider = 'per-account' AND provider_event_id LIKE ?")
                .param("%" + id).query(String.class).list()).containsExactlyInAnyOrder("acme:" + id, "globex:" + id);
        assertThat(jdbc.sql("SELECT payload FROM inbox WHERE provider_event_id = ?").param("globex:" + id).query(String.class).single())
                .contains("\"account\":\"globex\"");
    }

    @Test
    void aBodyOverTheLimitIs413WhetherItsLengthIsDeclaredOrNot() throws Exception {
        byte[] big = new byte[300 * 1024];
        HttpResponse<String> declared = send(request("/webhooks/test/signed-test").header("X-Test-Signature", sign(big))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertThat(declared.statusCode()).isEqualTo(413);
        assertNoSniff(declared);
        // no Content-Length (chunked): the ingress finds out while reading and answers in its own shape
        HttpResponse<String> chunked = send(request("/webhooks/test/signed-test").header("X-Test-Signature", sign(big))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(chunked.body()).path("code").asText()).isEqualTo("FAIL");
        assertNoSniff(chunked);
    }

    @Test
    void aNotificationTheInboxCannotStoreIs503WithRetryAfterAndIsNotAcknowledged() throws Exception {
        String id = "E-unstorable-" + System.nanoTime();
        // an event type longer than the inbox's column: the database refuses the row, as it would when it is down
        HttpResponse<String> answer = send(signedPost("/webhooks/test/signed-test",
                "{\"id\":\"" + id + "\",\"type\":\"" + "t".repeat(100) + "\"}"));
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(JSON.readTree(answer.body()).path("message").asText()).isEqualTo("temporarily unable to store the notification");
        assertNoSniff(answer);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM inbox WHERE provider_event_id = ?").param(id).query(Long.class).single()).isZero();
    }

    @Test
    void theOpenApiDescriptionDocumentsEveryVerifierWithItsHandshakeAndAccountSegment() throws Exception {
        JsonNode paths = JSON.readTree(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v3/api-docs")).GET()).body())
                .path("paths");
        JsonNode signed = paths.path("/webhooks/test/signed-test");
        assertThat(signed.path("post").path("summary").asText()).isEqualTo("Test: a signed event");
        assertThat(signed.path("post").path("requestBody").path("content").path("application/json").path("example").path("id").asText())
                .isEqualTo("E1");
        assertThat(signed.path("post").path("responses").path("200").path("content").path("text/plain;charset=UTF-8")
                .path("example").asText()).isEqualTo("ok");
        assertThat(signed.path("get").path("parameters").findValuesAsText("name")).containsExactly("signature", "timestamp", "nonce", "echostr");
        assertThat(signed.path("post").path("responses").fieldNames()).toIterable().contains("401", "404", "405", "413", "503");
        JsonNode perAccount = paths.path("/webhooks/test/per-account/{account}");
        assertThat(perAccount.has("post")).isTrue();
        assertThat(perAccount.has("get")).isFalse();
        assertThat(perAccount.path("post").path("parameters").findValuesAsText("in")).containsExactly("path");
    }

    // ---- sending as a provider does ----

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json");
    }

    private HttpRequest.Builder signedPost(String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return request(path).header("X-Test-Signature", sign(bytes)).POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertNoSniff(HttpResponse<String> answer) {
        assertThat(answer.headers().allValues("X-Content-Type-Options")).as(answer.statusCode() + " " + answer.body())
                .containsExactly("nosniff");
    }

    private long refusals(String target) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'webhook.refused' AND target_id = ?").param(target)
                .query(Long.class).single();
    }

    static String sign(byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(content));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean signatureMatches(String hex, byte[] content) {
        return hex != null && MessageDigest.isEqual(hex.getBytes(StandardCharsets.UTF_8), sign(content).getBytes(StandardCharsets.UTF_8));
    }
}
