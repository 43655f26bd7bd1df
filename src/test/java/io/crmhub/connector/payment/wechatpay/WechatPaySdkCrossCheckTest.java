package io.crmhub.connector.payment.wechatpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.wechat.pay.java.core.cipher.AeadAesCipher;
import com.wechat.pay.java.core.cipher.RSASigner;
import com.wechat.pay.java.core.cipher.RSAVerifier;
import com.wechat.pay.java.core.notification.NotificationParser;
import com.wechat.pay.java.core.notification.RSAPublicKeyNotificationConfig;
import com.wechat.pay.java.core.notification.RequestParam;
import com.wechat.pay.java.service.payments.model.Transaction;
import io.crmhub.connector.payment.RsaKeys;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.routing.NotificationRefusedException;
import io.crmhub.sandbox.WechatPaySandbox;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Our WeChat Pay v3 rules against the official SDK ({@code wechatpay-java}, test scope): a notification the SDK
 * signs and encrypts verifies and decrypts here; one built by our sandbox passes the SDK's {@code NotificationParser};
 * request signatures we make verify with the SDK's {@code RSAVerifier}. The SDK accepts a notification from 2017;
 * we do not (providers.md §0.2).
 */
class WechatPaySdkCrossCheckTest {
    private static final String SERIAL = "PUB_KEY_ID_0114232134912410000000000000";
    private static final String API_V3_KEY = WechatPaySandbox.randomKey();
    private static final KeyPair PLATFORM = WechatPaySandbox.rsa();
    private static final KeyPair MERCHANT = WechatPaySandbox.rsa();
    private static final Instant NOW = Instant.parse("2026-11-25T05:29:40Z");

    private final WechatPayProperties properties = new WechatPayProperties("1900000001", API_V3_KEY,
            List.of(new WechatPayProperties.PlatformPublicKey(SERIAL, RsaKeys.pem("PUBLIC KEY", PLATFORM.getPublic().getEncoded()))),
            Duration.ofSeconds(300),
            URI.create("https://api.mch.weixin.qq.com"), "wxd678efh567hg6787", "MERCHANT-SERIAL",
            RsaKeys.pem("PRIVATE KEY", MERCHANT.getPrivate().getEncoded()), URI.create("https://hub.example/webhooks/payments/wechatpay"), null,
            Duration.ofSeconds(5), Duration.ofSeconds(5), null, null);
    private final WechatPayNotificationVerifier verifier = new WechatPayNotificationVerifier(properties, new WechatPayKeys(properties),
            new ObjectMapper(), Clock.fixed(NOW, ZoneOffset.UTC));

    private static final String TRANSACTION = """
            {"mchid":"1900000001","appid":"wxd678efh567hg6787","out_trade_no":"SO-0000000042-P1","transaction_id":"4200002026112512345678",
             "trade_type":"NATIVE","trade_state":"SUCCESS","trade_state_desc":"支付成功","success_time":"2026-11-25T13:29:35+08:00",
             "amount":{"total":17600,"payer_total":17600,"currency":"CNY","payer_currency":"CNY"}}""";

    @Test
    void aNotificationTheSdkSignsAndEncryptsVerifiesAndDecryptsHere() {
        String nonce = "fdasflkja484";
        String ciphertext = new AeadAesCipher(API_V3_KEY.getBytes(StandardCharsets.UTF_8)).encrypt(
                "transaction".getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8),
                TRANSACTION.getBytes(StandardCharsets.UTF_8));
        String body = envelope("EV-sdk-1", ciphertext, nonce);
        String ts = String.valueOf(NOW.getEpochSecond());
        String headerNonce = "593BEC0C930BF1AFEB40B4A08C8FB242";
        String signature = new RSASigner(SERIAL, PLATFORM.getPrivate()).sign(ts + "\n" + headerNonce + "\n" + body + "\n").getSign();

        var verified = verifier.verify(headers(ts, headerNonce, signature), body.getBytes(StandardCharsets.UTF_8));
        PaymentNotification n = verified.content();
        assertThat(n.kind()).isEqualTo(PaymentNotification.Kind.PAYMENT_SUCCEEDED);
        assertThat(n.paymentReference()).isEqualTo("SO-0000000042-P1");
        assertThat(n.amount()).isEqualByComparingTo("176.00");
        assertThat(n.providerTransactionId()).isEqualTo("4200002026112512345678");

        // the SDK itself takes the same notification timestamped in 2017; we refuse it
        String old = "1500000000";
        String oldSignature = new RSASigner(SERIAL, PLATFORM.getPrivate()).sign(old + "\n" + headerNonce + "\n" + body + "\n").getSign();
        Transaction sdkAccepts = sdkParser().parse(new RequestParam.Builder().serialNumber(SERIAL).timestamp(old).nonce(headerNonce)
                .signature(oldSignature).signType("WECHATPAY2-SHA256-RSA2048").body(body).build(), Transaction.class);
        assertThat(sdkAccepts.getOutTradeNo()).isEqualTo("SO-0000000042-P1");
        assertThatThrownBy(() -> verifier.verify(headers(old, headerNonce, oldSignature), body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(NotificationRefusedException.class).hasMessageContaining("away from now");
    }

    @Test
    void aNotificationOurSandboxBuildsPassesTheSdksParser() {
        String nonce = "a1b2c3d4e5f6";
        String body = envelope("EV-sandbox-1", WechatPaySandbox.encrypt(API_V3_KEY, TRANSACTION, nonce, "transaction"), nonce);
        String ts = String.valueOf(NOW.getEpochSecond());
        String headerNonce = "0123456789ABCDEF";
        String signature = WechatPaySandbox.sign(PLATFORM.getPrivate(), ts + "\n" + headerNonce + "\n" + body + "\n");
        Transaction parsed = sdkParser().parse(new RequestParam.Builder().serialNumber(SERIAL).timestamp(ts).nonce(headerNonce)
                .signature(signature).signType("WECHATPAY2-SHA256-RSA2048").body(body).build(), Transaction.class);
        assertThat(parsed.getTransactionId()).isEqualTo("4200002026112512345678");
        assertThat(parsed.getAmount().getTotal()).isEqualTo(17600);
    }

    @Test
    void requestSignaturesWeMakeVerifyWithTheSdk() {
        String message = WechatPaySignatures.requestMessage("POST", "/v3/pay/transactions/native", "1764048580",
                "593BEC0C930BF1AFEB40B4A08C8FB242", "{\"out_trade_no\":\"SO-1\",\"amount\":{\"total\":1}}");
        String signature = RsaKeys.sign(MERCHANT.getPrivate(), message);
        RSAVerifier sdk = new RSAVerifier(MERCHANT.getPublic(), "MERCHANT-SERIAL");
        assertThat(sdk.verify("MERCHANT-SERIAL", message, signature)).isTrue();
        assertThat(sdk.verify("MERCHANT-SERIAL", message.replace("\"total\":1", "\"total\":2"), signature)).isFalse();
    }

    private static NotificationParser sdkParser() {
        return new NotificationParser(new RSAPublicKeyNotificationConfig.Builder().publicKey(PLATFORM.getPublic())
                .publicKeyId(SERIAL).apiV3Key(API_V3_KEY).build());
    }

    private static String envelope(String id, String ciphertext, String nonce) {
        return """
                {"id":"%s","create_time":"2026-11-25T13:29:35+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"%s","associated_data":"transaction","nonce":"%s"}}"""
                .formatted(id, ciphertext, nonce);
    }

    private static Map<String, String> headers(String ts, String nonce, String signature) {
        return Map.of("wechatpay-timestamp", ts, "wechatpay-nonce", nonce, "wechatpay-serial", SERIAL,
                "wechatpay-signature", signature, "wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048");
    }
}
