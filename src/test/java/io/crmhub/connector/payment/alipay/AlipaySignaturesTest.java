package io.crmhub.connector.payment.alipay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alipay.api.internal.util.AlipaySignature;
import io.crmhub.connector.payment.RsaKeys;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.routing.NotificationRefusedException;
import io.crmhub.sandbox.AlipaySandbox;
import io.crmhub.sandbox.WechatPaySandbox;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Our Alipay signing rules against the official SDK ({@code alipay-sdk-java}, test scope): notifications the SDK
 * signs verify here, requests we sign verify with the SDK, and the sandbox's independently written signing agrees
 * with the SDK too — so a bug cannot hide by agreeing with itself.
 */
class AlipaySignaturesTest {
    private static final KeyPair ALIPAY = WechatPaySandbox.rsa();
    private static final KeyPair APP = WechatPaySandbox.rsa();
    private static final KeyPair STRANGER = WechatPaySandbox.rsa();
    private static final Clock CLOCK = Clock.fixed(LocalDateTime.of(2026, 11, 25, 12, 0, 5).toInstant(ZoneOffset.ofHours(8)), ZoneOffset.UTC);

    private final AlipayProperties properties = new AlipayProperties("2021000000000001", "unused", "unused", "2088000000000001",
            URI.create("http://127.0.0.1/gateway.do"), null, Duration.ofHours(25), Duration.ofHours(2), null, Duration.ofSeconds(5),
            Duration.ofSeconds(5), null, null);
    private final AlipayNotificationVerifier verifier = new AlipayNotificationVerifier(properties,
            new AlipayKeys(APP.getPrivate(), ALIPAY.getPublic()), CLOCK);

    @Test
    void theSignedContentOfANotificationIsExactlyWhatTheSdkBuilds() {
        Map<String, String> params = notification("2026-11-25 12:00:00", "1.00");
        params.put("buyer_pay_amount", ""); // empty values are dropped, as in providers.md's example
        assertThat(AlipaySignatures.notificationContent(params)).isEqualTo(AlipaySignature.getSignCheckContentV1(params))
                .isEqualTo("app_id=2021000000000001&charset=utf-8&gmt_payment=2026-11-25 12:00:00&notify_id=ac05099524730693a8b330c5ecf72da9786"
                        + "&notify_time=2026-11-25 12:00:00&notify_type=trade_status_sync&out_trade_no=SO-1001-P1&seller_id=2088000000000001"
                        + "&total_amount=1.00&trade_no=2026112522001400000000000001&trade_status=TRADE_SUCCESS&version=1.0");
    }

    @Test
    void aNotificationSignedByTheSdkVerifiesAndBecomesAnExactPayment() throws Exception {
        byte[] body = form(sdkSigned(notification("2026-11-25 12:00:00", "1234.56"), ALIPAY));
        var verified = verifier.verify(Map.of(), body);
        assertThat(verified.eventId()).isEqualTo("ac05099524730693a8b330c5ecf72da9786");
        assertThat(verified.businessKey()).isEqualTo("SO-1001-P1");
        PaymentNotification n = verified.content();
        assertThat(n.kind()).isEqualTo(PaymentNotification.Kind.PAYMENT_SUCCEEDED);
        assertThat(n.amount()).isEqualByComparingTo("1234.56");
        assertThat(n.amount().scale()).isEqualTo(2);
        assertThat(n.currency()).isEqualTo("CNY");
        assertThat(n.providerTransactionId()).isEqualTo("2026112522001400000000000001");
        assertThat(verifier.endpoint().ack().body()).isEqualTo("success");
    }

    @Test
    void tamperedForeignStaleAndSha1NotificationsAreRefusedWithTheirReason() throws Exception {
        Map<String, String> genuine = sdkSigned(notification("2026-11-25 12:00:00", "1.00"), ALIPAY);
        Map<String, String> tampered = new TreeMap<>(genuine);
        tampered.put("total_amount", "100.00");
        assertRefused(tampered, "signature does not verify");
        assertRefused(sdkSigned(notification("2026-11-25 12:00:00", "1.00"), STRANGER), "signature does not verify");
        Map<String, String> foreign = notification("2026-11-25 12:00:00", "1.00");
        foreign.put("app_id", "2021000000009999");
        assertRefused(sdkSigned(foreign, ALIPAY), "app_id 2021000000009999");
        assertRefused(sdkSigned(notification("2026-11-23 12:00:00", "1.00"), ALIPAY), "notify_time is 2880 min away");
        Map<String, String> sha1 = new TreeMap<>(genuine);
        sha1.put("sign_type", "RSA");
        assertRefused(sha1, "only RSA2");
        Map<String, String> unsigned = new TreeMap<>(genuine);
        unsigned.remove("sign");
        assertRefused(unsigned, "missing parameter sign");
    }

    @Test
    void requestsWeSignVerifyWithTheSdkOverTheSdksOwnContent() throws Exception {
        Map<String, String> params = new TreeMap<>(Map.of("app_id", "2021000000000001", "method", "alipay.trade.precreate",
                "format", "JSON", "charset", "utf-8", "sign_type", "RSA2", "timestamp", "2026-11-25 12:00:00", "version", "1.0",
                "biz_content", "{\"out_trade_no\":\"SO-1\",\"total_amount\":\"50.20\",\"subject\":\"茶具 & 茶叶\"}"));
        String content = AlipaySignatures.requestContent(params);
        assertThat(content).isEqualTo(AlipaySignature.getSignContent(params));
        String sign = RsaKeys.sign(APP.getPrivate(), content);
        assertThat(AlipaySignature.rsaCheck(content, sign, base64(APP.getPublic().getEncoded()), "utf-8", "RSA2")).isTrue();
        assertThat(AlipaySignature.rsaCheck(content.replace("50.20", "50.21"), sign, base64(APP.getPublic().getEncoded()), "utf-8", "RSA2"))
                .isFalse();
    }

    @Test
    void theSandboxSignsNotificationsTheSdkAccepts() throws Exception {
        Map<String, String> params = notification("2026-11-25 12:00:00", "8.80");
        params.put("sign", AlipaySandbox.sign(ALIPAY.getPrivate(), AlipaySandbox.signedContent(params, List.of("sign", "sign_type"))));
        assertThat(AlipaySignature.rsaCheckV1(params, base64(ALIPAY.getPublic().getEncoded()), "utf-8", "RSA2")).isTrue();
    }

    @Test
    void theSignedTextOfAnAnswerIsTheExactResponseValueEvenWithBracesInStrings() throws Exception {
        String content = "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"SO-1\",\"qr_code\":\"https://qr.alipay.com/bax0{x}\\\"}\","
                + "\"extra\":{\"a\":[1,{\"b\":\"}\"}]}}";
        String raw = "{\"alipay_trade_precreate_response\":" + content + ",\"sign\":\"abc\"}";
        assertThat(AlipaySignatures.responseContent(raw, "alipay_trade_precreate_response")).isEqualTo(content);
        assertThat(AlipaySignatures.responseContent(raw, "alipay_trade_query_response")).isNull();
    }

    @Test
    void amountsAreYuanWithAtMostTwoDecimalsAndOnlyCny() {
        assertThat(AlipayGateway.yuan(new java.math.BigDecimal("50.2"), "CNY")).isEqualTo("50.20");
        assertThatThrownBy(() -> AlipayGateway.yuan(new java.math.BigDecimal("0.001"), "CNY")).hasMessageContaining("more decimals");
        assertThatThrownBy(() -> AlipayGateway.yuan(java.math.BigDecimal.ONE, "USD")).hasMessageContaining("settles in CNY");
        assertThatThrownBy(() -> AlipayNotificationVerifier.yuan("1.005")).isInstanceOf(NotificationRefusedException.class);
    }

    private void assertRefused(Map<String, String> params, String reason) {
        assertThatThrownBy(() -> verifier.verify(Map.of(), form(params)))
                .isInstanceOf(NotificationRefusedException.class).hasMessageContaining(reason);
    }

    static Map<String, String> notification(String notifyTime, String amount) {
        Map<String, String> p = new TreeMap<>();
        p.put("notify_time", notifyTime);
        p.put("notify_type", "trade_status_sync");
        p.put("notify_id", "ac05099524730693a8b330c5ecf72da9786");
        p.put("app_id", "2021000000000001");
        p.put("charset", "utf-8");
        p.put("version", "1.0");
        p.put("sign_type", "RSA2");
        p.put("trade_no", "2026112522001400000000000001");
        p.put("out_trade_no", "SO-1001-P1");
        p.put("seller_id", "2088000000000001");
        p.put("trade_status", "TRADE_SUCCESS");
        p.put("total_amount", amount);
        p.put("gmt_payment", "2026-11-25 12:00:00");
        return p;
    }

    /** Signed as Alipay signs notifications, by the official SDK. */
    static Map<String, String> sdkSigned(Map<String, String> params, KeyPair alipay) throws Exception {
        Map<String, String> signed = new TreeMap<>(params);
        signed.put("sign", AlipaySignature.rsaSign(AlipaySignature.getSignCheckContentV1(params),
                base64(alipay.getPrivate().getEncoded()), "utf-8", "RSA2"));
        return signed;
    }

    static byte[] form(Map<String, String> params) {
        return AlipaySandbox.encode(params).getBytes(StandardCharsets.US_ASCII);
    }

    static String base64(byte[] der) {
        return Base64.getEncoder().encodeToString(der);
    }
}
