package io.crmhub.connector.payment.alipay;

import io.crmhub.connector.payment.RsaKeys;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.routing.NotificationRefusedException;
import io.crmhub.routing.WebhookVerifier;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Alipay asynchronous notifications (providers.md §1.2, {@code rsaCheckV1}): a form whose {@code sign} is RSA2 over
 * the sorted, decoded parameters without {@code sign} and {@code sign_type}, checked with Alipay's public key before
 * anything is believed; then our {@code app_id} (and {@code seller_id} when configured), and a window on the signed
 * {@code notify_time}, which the protocol and the SDK do not have. The ack is exactly {@code success}.
 *
 * <p>Refund notifications (those carrying {@code refund_fee}) report the trade's cumulative refunds, not one refund:
 * they change nothing here. A refund made through the hub is completed from Alipay's synchronous answer.
 */
public class AlipayNotificationVerifier implements WebhookVerifier<PaymentNotification> {
    public static final String PROVIDER = "alipay";
    static final ZoneOffset ALIPAY_TIME = ZoneOffset.ofHours(8);
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    /** Served at {@code /webhooks/payments/alipay}; anything but the exact body {@code success} makes Alipay re-send. */
    static final Endpoint ENDPOINT = Endpoint.at("payments", PROVIDER)
            .body(BodyFormat.FORM)
            .events(PaymentNotification.AGGREGATE, PaymentNotification.ADDRESS)
            .acknowledgedWith(Acknowledgement.text("success"))
            .documented(Documentation.of("Alipay: an RSA2-signed asynchronous notification (form)",
                    "The form's `sign` (RSA2 over the other parameters, sorted) is verified with Alipay's public key, `sign_type` "
                            + "must be RSA2; answered with the body `success`.",
                    "notify_time=2026-03-01+16%3A02%3A00&notify_type=trade_status_sync&notify_id=ac05099524730693a8b330c5ecf72da9786"
                            + "&app_id=2021000000000000&trade_no=2026030122001400000000000001&out_trade_no=SO-0000000002-P1"
                            + "&trade_status=TRADE_SUCCESS&total_amount=176.00&seller_id=2088000000000000&sign_type=RSA2&sign=Kg1eUQ…")
                    .bodyFields(new Field("sign", "RSA2 signature of the other parameters, sorted by name"),
                            new Field("sign_type", "`RSA2`, the only type accepted"),
                            new Field("out_trade_no", "our payment reference"),
                            new Field("trade_status", "`TRADE_SUCCESS`, `TRADE_FINISHED`, …")));

    private final AlipayProperties properties;
    private final AlipayKeys keys;
    private final Clock clock;

    public AlipayNotificationVerifier(AlipayProperties properties, AlipayKeys keys, Clock clock) {
        this.properties = properties;
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public Endpoint endpoint() {
        return ENDPOINT;
    }

    @Override
    public Verified<PaymentNotification> verify(Request request) {
        Map<String, String> params;
        try {
            params = AlipaySignatures.parseForm(request.body());
        } catch (IllegalArgumentException e) {
            throw new NotificationRefusedException("body is not a form Alipay sends: " + e.getMessage());
        }
        String sign = required(params, "sign");
        String signType = params.getOrDefault("sign_type", "");
        if (!"RSA2".equals(signType)) {
            throw new NotificationRefusedException("sign_type " + (signType.isEmpty() ? "missing" : signType) + "; only RSA2 is accepted");
        }
        if (!RsaKeys.verifies(keys.alipayKey(), AlipaySignatures.notificationContent(params), sign)) {
            throw new NotificationRefusedException("signature does not verify with Alipay's public key");
        }
        String appId = required(params, "app_id");
        if (!properties.appId().equals(appId)) {
            throw new NotificationRefusedException("notification is for app_id " + appId + ", not ours");
        }
        if (properties.sellerId() != null && params.containsKey("seller_id") && !properties.sellerId().equals(params.get("seller_id"))) {
            throw new NotificationRefusedException("notification is for seller_id " + params.get("seller_id") + ", not ours");
        }
        Instant notifyTime = time(required(params, "notify_time"), "notify_time");
        Duration skew = Duration.between(notifyTime, clock.instant()).abs();
        if (skew.compareTo(properties.replayWindow()) > 0) {
            throw new NotificationRefusedException("notify_time is " + skew.toMinutes() + " min away from now (window "
                    + properties.replayWindow().toMinutes() + " min)");
        }
        String notifyId = required(params, "notify_id");
        String tradeStatus = params.getOrDefault("trade_status", "");
        String outTradeNo = required(params, "out_trade_no");
        boolean refund = params.containsKey("refund_fee") || params.containsKey("gmt_refund");
        PaymentNotification.Kind kind = !refund && ("TRADE_SUCCESS".equals(tradeStatus) || "TRADE_FINISHED".equals(tradeStatus))
                ? PaymentNotification.Kind.PAYMENT_SUCCEEDED : PaymentNotification.Kind.OTHER;
        BigDecimal amount = yuan(params.getOrDefault("total_amount", "0"));
        String gmtPayment = params.get("gmt_payment");
        PaymentNotification notification = new PaymentNotification(PROVIDER, notifyId, kind, outTradeNo,
                required(params, "trade_no"), amount, "CNY", gmtPayment == null ? notifyTime : time(gmtPayment, "gmt_payment"),
                refund ? "REFUND:" + tradeStatus : tradeStatus);
        return new Verified<>(notifyId, params.getOrDefault("notify_type", "trade_status_sync") + ":" + tradeStatus, outTradeNo,
                notification);
    }

    /** Alipay amounts are yuan strings with at most two decimals; anything else is refused, never rounded. */
    static BigDecimal yuan(String text) {
        try {
            BigDecimal amount = new BigDecimal(text);
            if (amount.signum() < 0 || amount.scale() > 2) {
                throw new NumberFormatException();
            }
            return amount.setScale(2);
        } catch (NumberFormatException e) {
            throw new NotificationRefusedException("amount '" + text + "' is not a yuan amount with at most two decimals");
        }
    }

    static Instant time(String text, String field) {
        try {
            return LocalDateTime.parse(text, TIME).toInstant(ALIPAY_TIME);
        } catch (DateTimeParseException e) {
            throw new NotificationRefusedException(field + " '" + text + "' is not yyyy-MM-dd HH:mm:ss");
        }
    }

    private static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            throw new NotificationRefusedException("missing parameter " + name);
        }
        return value;
    }
}
