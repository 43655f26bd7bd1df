package io.crmhub.connector.payment.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.net.Webhook;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.routing.NotificationRefusedException;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.WebhookVerifier;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Stripe signature scheme against providers.md's vector and stripe-java, and the event mapping. */
class StripeNotificationVerifierTest {
    private static final String VECTOR_SECRET = "whsec_test_secret";
    private static final long VECTOR_T = 1_700_000_000L;
    private static final String VECTOR_PAYLOAD = "{\"id\":\"evt_test\",\"object\":\"event\"}";
    private static final String VECTOR_V1 = "8042376f6ca064adbe037642a718227dfd59047137eb49497a54c49eb0cfb724";

    private final String secret = "whsec_" + UUID.randomUUID().toString().replace("-", "");
    private final String rotated = "whsec_" + UUID.randomUUID().toString().replace("-", "");

    @Test
    void ourHmacReproducesTheProvidersTestVector() {
        assertThat(StripeSignatures.v1(VECTOR_SECRET, VECTOR_T, VECTOR_PAYLOAD.getBytes(StandardCharsets.UTF_8))).isEqualTo(VECTOR_V1);
        assertThat(StripeSignatures.matches(VECTOR_SECRET, VECTOR_T, VECTOR_PAYLOAD.getBytes(StandardCharsets.UTF_8),
                List.of("00", VECTOR_V1))).isTrue();
        assertThat(StripeSignatures.matches(VECTOR_SECRET, VECTOR_T + 1, VECTOR_PAYLOAD.getBytes(StandardCharsets.UTF_8),
                List.of(VECTOR_V1))).isFalse();
        // the verifier itself accepts the vector's header at its time: it gets past the signature to the event shape
        StripeNotificationVerifier verifier = verifier(List.of(VECTOR_SECRET), Instant.ofEpochSecond(VECTOR_T + 5));
        assertThatThrownBy(() -> verifier.verify(Map.of("stripe-signature", "t=" + VECTOR_T + ",v1=" + VECTOR_V1),
                VECTOR_PAYLOAD.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(NotificationRefusedException.class).hasMessageContaining("not a Stripe event");
        assertThatThrownBy(() -> verifier.verify(Map.of("stripe-signature", "t=" + VECTOR_T + ",v1=" + VECTOR_V1.replace('8', '9')),
                VECTOR_PAYLOAD.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(NotificationRefusedException.class).hasMessageContaining("no v1 signature verifies");
    }

    @Test
    void headersAgreeWithStripeJavaBothWays() throws Exception {
        long now = Instant.now().getEpochSecond();
        String payload = event("evt_x1", "payment_intent.succeeded", intent("pi_A1", 123456, "cny", "SO-1-P1"));
        // ours → stripe-java
        String ours = "t=" + now + ",v1=" + StripeSignatures.v1(secret, now, payload.getBytes(StandardCharsets.UTF_8));
        assertThat(Webhook.constructEvent(payload, ours, secret, 300).getId()).isEqualTo("evt_x1");
        // stripe-java → ours
        String theirs = Webhook.Signature.generateSignatureHeader(payload, secret, now);
        assertThat(theirs).isEqualTo(ours);
        WebhookVerifier.Verified<PaymentNotification> verified = verifier(List.of(secret), Instant.now())
                .verify(Map.of("stripe-signature", theirs), payload.getBytes(StandardCharsets.UTF_8));
        assertThat(verified.eventId()).isEqualTo("evt_x1");
        assertThat(verified.businessKey()).isEqualTo("SO-1-P1");
    }

    @Test
    void aFutureTimestampIsRefusedAlthoughStripeJavaAcceptsIt() throws Exception {
        long future = Instant.now().plus(Duration.ofMinutes(10)).getEpochSecond();
        String payload = event("evt_f", "payment_intent.succeeded", intent("pi_F", 100, "usd", "SO-2-P1"));
        String header = Webhook.Signature.generateSignatureHeader(payload, secret, future);
        assertThat(Webhook.constructEvent(payload, header, secret, 300).getId()).isEqualTo("evt_f"); // the SDK's gap
        assertThatThrownBy(() -> verifier(List.of(secret), Instant.now()).verify(Map.of("stripe-signature", header),
                payload.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(NotificationRefusedException.class).hasMessageContaining("in the future");
    }

    @Test
    void garbledHeadersAreRefusedNamingWhy() {
        StripeNotificationVerifier verifier = verifier(List.of(secret), Instant.now());
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        Map<String, String> reasons = Map.of(
                "", "missing header",
                "v1=abcd", "has no t",
                "t=" + now, "has no v1",
                "t=" + now + ",v0=abcd", "has no v1",
                "t=yesterday,v1=ab", "not a number",
                "t=" + now + ",garbage", "garbled");
        reasons.forEach((header, reason) -> assertThatThrownBy(() -> verifier.verify(
                header.isEmpty() ? Map.of() : Map.of("stripe-signature", header), body))
                .as(header).isInstanceOf(NotificationRefusedException.class).hasMessageContaining(reason));
    }

    @Test
    void eitherConfiguredSecretVerifiesDuringARotation() {
        StripeNotificationVerifier verifier = verifier(List.of(secret, rotated), Instant.now());
        String payload = event("evt_r", "charge.succeeded", json("ch_1", "charge"));
        long now = Instant.now().getEpochSecond();
        String signedWithNew = "t=" + now + ",v1=" + StripeSignatures.v1(rotated, now, payload.getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(Map.of("stripe-signature", signedWithNew), payload.getBytes(StandardCharsets.UTF_8))
                .content().kind()).isEqualTo(PaymentNotification.Kind.OTHER);
        assertThatThrownBy(() -> verifier(List.of(secret), Instant.now()).verify(Map.of("stripe-signature", signedWithNew),
                payload.getBytes(StandardCharsets.UTF_8))).isInstanceOf(NotificationRefusedException.class);
    }

    @Test
    void eventsMapToExactAmountsAndReferences() {
        StripeNotificationVerifier verifier = verifier(List.of(secret), Instant.now());
        PaymentNotification paid = verify(verifier, event("evt_p", "payment_intent.succeeded", intent("pi_P", 123456, "cny", "SO-9-P1")));
        assertThat(paid.kind()).isEqualTo(PaymentNotification.Kind.PAYMENT_SUCCEEDED);
        assertThat(paid.amount()).isEqualTo(new BigDecimal("1234.56"));
        assertThat(paid.currency()).isEqualTo("CNY");
        assertThat(paid.paymentReference()).isEqualTo("SO-9-P1");
        assertThat(paid.providerTransactionId()).isEqualTo("pi_P");
        assertThat(paid.occurredAt()).isEqualTo(Instant.ofEpochSecond(1_764_000_000L));

        String foreign = intent("pi_Z", 100, "usd", "x").replace(",\"metadata\":{\"crm_payment_reference\":\"x\"}", "");
        assertThat(foreign).doesNotContain("metadata");
        assertThat(verify(verifier, event("evt_z", "payment_intent.succeeded", foreign)).paymentReference()).isEqualTo("pi_Z");

        PaymentNotification yen = verify(verifier, event("evt_y", "payment_intent.succeeded", intent("pi_Y", 1500, "jpy", "SO-9-P2")));
        assertThat(yen.amount()).isEqualTo(new BigDecimal("1500"));

        String consoleRefund = "{\"id\":\"re_C\",\"object\":\"refund\",\"amount\":500,\"currency\":\"usd\",\"payment_intent\":\"pi_P\","
                + "\"status\":\"succeeded\",\"metadata\":{}}";
        PaymentNotification refund = verify(verifier, event("evt_rf", "refund.created", consoleRefund));
        assertThat(refund.kind()).isEqualTo(PaymentNotification.Kind.REFUND_SUCCEEDED);
        assertThat(refund.providerTransactionId()).isEqualTo("re_C");
        assertThat(refund.paymentReference()).isEqualTo("pi_P");
        assertThat(refund.amount()).isEqualTo(new BigDecimal("5.00"));

        String ours = consoleRefund.replace("\"metadata\":{}", "\"metadata\":{\"crm_payment_reference\":\"SO-9-P1\"}");
        assertThat(verify(verifier, event("evt_ro", "refund.updated", ours)).paymentReference()).isEqualTo("SO-9-P1");
        assertThat(verify(verifier, event("evt_rp", "refund.created", ours.replace("succeeded", "pending"))).kind())
                .isEqualTo(PaymentNotification.Kind.OTHER);
        assertThat(verify(verifier, event("evt_cr", "charge.refunded", json("ch_2", "charge"))).kind())
                .isEqualTo(PaymentNotification.Kind.OTHER);
        assertThat(verifier.endpoint().ack()).isEqualTo(new WebhookVerifier.Acknowledgement(200, "application/json",
                "{\"received\":true}"));
    }

    @Test
    void amountsAreExactInStripesMinorUnitsOrRefused() {
        assertThat(StripeAmounts.minor(new BigDecimal("1234.56"), "CNY")).isEqualTo(123456);
        assertThat(StripeAmounts.minor(new BigDecimal("1500"), "JPY")).isEqualTo(1500);
        assertThat(StripeAmounts.minor(new BigDecimal("1.230"), "KWD")).isEqualTo(1230);
        assertThatThrownBy(() -> StripeAmounts.minor(new BigDecimal("1234.567"), "CNY")).isInstanceOf(PermanentConnectorException.class)
                .hasMessageContaining("more decimals");
        assertThatThrownBy(() -> StripeAmounts.minor(new BigDecimal("1500.5"), "JPY")).isInstanceOf(PermanentConnectorException.class);
        assertThatThrownBy(() -> StripeAmounts.minor(new BigDecimal("1.234"), "KWD")).isInstanceOf(PermanentConnectorException.class);
        assertThatThrownBy(() -> StripeAmounts.minor(new BigDecimal("100"), "ISK")).isInstanceOf(PermanentConnectorException.class);
    }

    @Test
    void secretsComeFromValuesOrFilesAndAreNeverPrinted(@TempDir Path dir) throws Exception {
        String key = "sk_test_" + UUID.randomUUID().toString().replace("-", "");
        Path keyFile = dir.resolve("stripe-key");
        Files.writeString(keyFile, key + "\n");
        StripeProperties properties = properties("file:" + keyFile, List.of(secret, rotated));
        StripeKeys keys = new StripeKeys(properties);
        assertThat(keys.secretKey()).isEqualTo(key);
        assertThat(keys.webhookSecrets()).containsExactly(secret, rotated);
        assertThat(properties.toString()).doesNotContain(key).doesNotContain(secret).doesNotContain(rotated);
        assertThat(keys.toString()).doesNotContain(secret);
        String notAKey = "pk_live_" + UUID.randomUUID();
        assertThatThrownBy(() -> new StripeKeys(properties(notAKey, List.of(secret))))
                .hasMessageContaining("secret-key").satisfies(e -> assertThat(e.getMessage()).doesNotContain(notAKey));
        assertThatThrownBy(() -> new StripeKeys(properties(key, List.of(secret, "not-a-secret"))))
                .hasMessageContaining("webhook-secrets[1]").satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-a-secret"));
        assertThatThrownBy(() -> new StripeKeys(properties("file:" + dir.resolve("missing"), List.of(secret))))
                .hasMessageContaining("secret-key names a file that cannot be read");
    }

    // ---- helpers ----

    private PaymentNotification verify(StripeNotificationVerifier verifier, String payload) {
        long now = Instant.now().getEpochSecond();
        return verifier.verify(Map.of("stripe-signature", "t=" + now + ",v1=" + StripeSignatures.v1(secret, now,
                payload.getBytes(StandardCharsets.UTF_8))), payload.getBytes(StandardCharsets.UTF_8)).content();
    }

    private static StripeProperties properties(String key, List<String> secrets) {
        return new StripeProperties(key, secrets, URI.create("https://api.stripe.com"), null, Duration.ofSeconds(300),
                List.of("card"), Duration.ofSeconds(10), Duration.ofSeconds(10), null, null);
    }

    private StripeNotificationVerifier verifier(List<String> secrets, Instant now) {
        StripeProperties properties = properties("sk_test_verifier", secrets);
        return new StripeNotificationVerifier(properties, new StripeKeys(properties), new ObjectMapper(), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static String event(String id, String type, String object) {
        return "{\"id\":\"" + id + "\",\"object\":\"event\",\"api_version\":\"2024-06-20\",\"created\":1764000000,"
                + "\"data\":{\"object\":" + object + "},\"livemode\":false,\"type\":\"" + type + "\"}";
    }

    private static String intent(String id, long amount, String currency, String reference) {
        return "{\"id\":\"" + id + "\",\"object\":\"payment_intent\",\"amount\":" + amount + ",\"amount_received\":" + amount
                + ",\"currency\":\"" + currency + "\",\"status\":\"succeeded\",\"metadata\":{\"crm_payment_reference\":\"" + reference + "\"}}";
    }

    private static String json(String id, String object) {
        return "{\"id\":\"" + id + "\",\"object\":\"" + object + "\",\"status\":\"succeeded\",\"amount\":100,\"currency\":\"usd\"}";
    }
}
