package io.crmhub.connector.payment.wechatpay;

import io.crmhub.connector.payment.RsaKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.routing.NotificationRefusedException;
import io.crmhub.routing.WebhookVerifier;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Currency;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * WeChat Pay API v3 notifications (providers.md §1.1): SHA256withRSA over {@code ts\nnonce\nbody\n} with the platform
 * public key named by {@code Wechatpay-Serial}, a replay window the SDK does not enforce, probe signatures
 * ({@code WECHATPAY/SIGNTEST/}) refused like any bad signature, then AES-256-GCM decryption of {@code resource}
 * with the APIv3 key. Amounts arrive in fen (integers) and leave as exact major units.
 */
public class WechatPayNotificationVerifier implements WebhookVerifier<PaymentNotification> {
    public static final String PROVIDER = "wechatpay";
    private static final String PROBE_PREFIX = "WECHATPAY/SIGNTEST/";
    /** Served at {@code /webhooks/payments/wechatpay}; WeChat Pay takes 200 or 204 without a body as received. */
    static final Endpoint ENDPOINT = Endpoint.at("payments", PROVIDER)
            .events(PaymentNotification.AGGREGATE, PaymentNotification.ADDRESS)
            .documented(Documentation.of("WeChat Pay: a signed, encrypted payment or refund notification",
                    "Signed with the platform key named by `Wechatpay-Serial` over timestamp, nonce and body; answered 204.",
                    """
                    {"id":"EV-2018022511223320873","create_time":"2026-03-01T16:02:00+08:00","resource_type":"encrypt-resource",\
                    "event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction",\
                    "algorithm":"AEAD_AES_256_GCM","ciphertext":"…","associated_data":"transaction","nonce":"fdasflkja484w"}}""")
                    .headers(new Field("Wechatpay-Signature", "Base64 SHA256withRSA signature of `timestamp\\nnonce\\nbody\\n`"),
                            new Field("Wechatpay-Timestamp", "Unix seconds; refused outside crmhub.connectors.payment-wechatpay.replay-window"),
                            new Field("Wechatpay-Nonce", "Random string of the signature"),
                            new Field("Wechatpay-Serial", "Serial of the platform public key (`PUB_KEY_ID_…`) that verifies it")));

    private final WechatPayProperties properties;
    private final ObjectMapper json;
    private final Clock clock;
    private final WechatPayKeys keys;

    public WechatPayNotificationVerifier(WechatPayProperties properties, WechatPayKeys keys, ObjectMapper json, Clock clock) {
        this.properties = properties;
        this.keys = keys;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public Endpoint endpoint() {
        return ENDPOINT;
    }

    @Override
    public Verified<PaymentNotification> verify(Request request) {
        Map<String, String> headers = request.headers();
        byte[] rawBody = request.body();
        String timestamp = required(headers, "wechatpay-timestamp");
        String nonce = required(headers, "wechatpay-nonce");
        String signature = required(headers, "wechatpay-signature");
        String serial = required(headers, "wechatpay-serial");
        String type = headers.getOrDefault("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048");
        if (!"WECHATPAY2-SHA256-RSA2048".equals(type)) {
            throw new NotificationRefusedException("unsupported Wechatpay-Signature-Type " + type);
        }
        if (signature.startsWith(PROBE_PREFIX)) {
            throw new NotificationRefusedException("probe signature (WECHATPAY/SIGNTEST/), refused as WeChat Pay expects");
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new NotificationRefusedException("Wechatpay-Timestamp is not a number");
        }
        Duration skew = Duration.between(Instant.ofEpochSecond(ts), clock.instant()).abs();
        if (skew.compareTo(properties.replayWindow()) > 0) {
            throw new NotificationRefusedException("Wechatpay-Timestamp is " + skew.toSeconds() + " s away from now (window "
                    + properties.replayWindow().toSeconds() + " s)");
        }
        PublicKey key = keys.platformKey(serial);
        if (key == null) {
            throw new NotificationRefusedException("unknown platform key serial " + serial);
        }
        if (!RsaKeys.verifies(key, WechatPaySignatures.responseMessage(timestamp, nonce,
                new String(rawBody, StandardCharsets.UTF_8)), signature)) {
            throw new NotificationRefusedException("signature does not verify with platform key " + serial);
        }
        JsonNode body = parse(rawBody);
        JsonNode resource = body.path("resource");
        if (!"AEAD_AES_256_GCM".equals(resource.path("algorithm").asText())) {
            throw new NotificationRefusedException("unsupported resource algorithm " + resource.path("algorithm").asText());
        }
        JsonNode plain = parse(decrypt(resource));
        String eventType = body.path("event_type").asText();
        String eventId = body.path("id").asText();
        if (eventId.isBlank()) {
            throw new NotificationRefusedException("notification has no id");
        }
        PaymentNotification notification = toCanonical(eventId, eventType, body, plain);
        return new Verified<>(eventId, eventType, notification.paymentReference(), notification);
    }

    private PaymentNotification toCanonical(String eventId, String eventType, JsonNode body, JsonNode plain) {
        PaymentNotification.Kind kind = switch (eventType) {
            case "TRANSACTION.SUCCESS" -> PaymentNotification.Kind.PAYMENT_SUCCEEDED;
            case "REFUND.SUCCESS" -> PaymentNotification.Kind.REFUND_SUCCEEDED;
            default -> PaymentNotification.Kind.OTHER;
        };
        JsonNode amount = plain.path("amount");
        String currency = amount.path("currency").asText("CNY");
        long fen = kind == PaymentNotification.Kind.REFUND_SUCCEEDED ? amount.path("refund").asLong() : amount.path("total").asLong();
        int digits = Currency.getInstance(currency).getDefaultFractionDigits();
        String txn = kind == PaymentNotification.Kind.REFUND_SUCCEEDED ? plain.path("refund_id").asText() : plain.path("transaction_id").asText();
        Instant occurred = parseTime(plain.path("success_time").asText(body.path("create_time").asText()));
        return new PaymentNotification(PROVIDER, eventId, kind, plain.path("out_trade_no").asText(), txn,
                BigDecimal.valueOf(fen, digits), currency, occurred,
                plain.path(kind == PaymentNotification.Kind.REFUND_SUCCEEDED ? "refund_status" : "trade_state").asText());
    }

    private byte[] decrypt(JsonNode resource) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, keys.apiV3Key(),
                    new GCMParameterSpec(128, resource.path("nonce").asText().getBytes(StandardCharsets.UTF_8)));
            cipher.updateAAD(resource.path("associated_data").asText().getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(Base64.getDecoder().decode(resource.path("ciphertext").asText()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new NotificationRefusedException("resource does not decrypt with the APIv3 key");
        }
    }

    private JsonNode parse(byte[] bytes) {
        try {
            JsonNode node = json.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new NotificationRefusedException("body is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new NotificationRefusedException("body is not JSON");
        }
    }

    private static Instant parseTime(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String required(Map<String, String> headers, String name) {
        String value = headers.get(name);
        if (value == null || value.isBlank()) {
            throw new NotificationRefusedException("missing header " + name);
        }
        return value;
    }
}
