package io.crmhub.connector.payment.alipay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmhub.connector.payment.RsaKeys;
import io.crmhub.crm.canonical.PaymentGateway;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.http.ConnectorHttpClient;
import io.crmhub.routing.http.ConnectorHttpClients;
import io.crmhub.routing.http.HttpAnswer;
import io.crmhub.routing.http.HttpOutcomes;
import io.crmhub.routing.http.ProviderError;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Alipay's v2 gateway (providers.md §1.2): one form POST per call with the common parameters, {@code biz_content}
 * as JSON and an RSA2 signature over the sorted parameters; the answer's {@code *_response} text must carry
 * Alipay's signature before it is believed. Business errors come as HTTP 200 with {@code code} ≠ 10000: 20000 and
 * {@code ACQ.SYSTEM_ERROR} are transient, the rest permanent. Our payment reference is {@code out_trade_no} and our
 * refund reference {@code out_request_no}, so a retried call never charges or refunds twice. Amounts are yuan
 * strings (CNY only), never floating point. Sent on the connector HTTP client; the transient codes are Alipay's
 * refinement of its table ({@link #error}).
 */
public class AlipayGateway implements PaymentGateway {
    public static final String CONNECTOR = "payment-alipay";
    static final String SUCCESS = "10000";
    private static final Set<String> TRANSIENT_SUB_CODES = Set.of("ACQ.SYSTEM_ERROR", "aop.ACQ.SYSTEM_ERROR", "isp.unknow-error");

    private final AlipayProperties properties;
    private final AlipayKeys keys;
    private final ObjectMapper json;
    private final Clock clock;
    private final ConnectorHttpClient http;

    public AlipayGateway(AlipayProperties properties, AlipayKeys keys, ObjectMapper json, ConnectorHttpClients clients, Clock clock) {
        this.properties = properties;
        this.keys = keys;
        this.json = json;
        this.clock = clock;
        this.http = clients.create(CONNECTOR, properties, AlipayGateway::error);
    }

    /** A verified answer: {@code code}, {@code sub_code} and the whole {@code *_response} object. */
    record Answer(String code, String subCode, JsonNode body) {
        boolean ok() {
            return SUCCESS.equals(code);
        }

        String describe() {
            return code + " " + body.path("msg").asText("") + (subCode.isEmpty() ? "" : " / " + subCode + " "
                    + body.path("sub_msg").asText(""));
        }
    }

    @Override
    public String provider() {
        return AlipayNotificationVerifier.PROVIDER;
    }

    @Override
    public PaymentInstructions create(PaymentRequest request) {
        ObjectNode biz = json.createObjectNode()
                .put("out_trade_no", request.reference())
                .put("total_amount", yuan(request.amount(), request.currency()))
                .put("subject", request.description().length() > 256 ? request.description().substring(0, 256) : request.description())
                .put("timeout_express", Math.max(1, properties.qrTimeout().toMinutes()) + "m");
        Answer answer = succeeded(call("alipay.trade.precreate", biz), "precreate " + request.reference());
        String qrCode = answer.body().path("qr_code").asText("");
        if (qrCode.isEmpty()) {
            throw new PermanentConnectorException(CONNECTOR, "Alipay answered precreate without qr_code");
        }
        return new PaymentInstructions(qrCode, null, null);
    }

    @Override
    public RefundResult refund(RefundRequest request) {
        ObjectNode biz = json.createObjectNode()
                .put("out_trade_no", request.paymentReference())
                .put("refund_amount", yuan(request.amount(), request.currency()))
                .put("out_request_no", request.refundReference());
        if (request.reason() != null && !request.reason().isBlank()) {
            biz.put("refund_reason", request.reason());
        }
        Answer answer = succeeded(call("alipay.trade.refund", biz), "refund " + request.refundReference());
        if ("Y".equals(answer.body().path("fund_change").asText())) {
            return completed(request, request.amount(), answer.body().path("gmt_refund_pay").asText(null));
        }
        // fund_change N: this out_request_no was refunded before (a retry) or is still in progress; ask which
        ObjectNode query = json.createObjectNode().put("out_trade_no", request.paymentReference())
                .put("out_request_no", request.refundReference());
        Answer state = succeeded(call("alipay.trade.fastpay.refund.query", query), "refund query " + request.refundReference());
        if ("REFUND_SUCCESS".equals(state.body().path("refund_status").asText())) {
            return completed(request, AlipayNotificationVerifier.yuan(state.body().path("refund_amount").asText("0")),
                    state.body().path("gmt_refund_pay").asText(null));
        }
        return new RefundResult(request.refundReference(), "PROCESSING");
    }

    /** Alipay refunds in its answer and sends no notification for it: the completion travels as one. */
    private RefundResult completed(RefundRequest request, BigDecimal amount, String at) {
        PaymentNotification done = new PaymentNotification(provider(), "refund:" + request.refundReference(),
                PaymentNotification.Kind.REFUND_SUCCEEDED, request.paymentReference(), request.refundReference(), amount, "CNY",
                at == null || at.isBlank() ? clock.instant() : AlipayNotificationVerifier.time(at, "gmt_refund_pay"), "REFUND_SUCCESS");
        return new RefundResult(request.refundReference(), "SUCCEEDED", done);
    }

    @Override
    public PaymentStatus query(String reference, String providerPaymentId) {
        Answer answer = call("alipay.trade.query", json.createObjectNode().put("out_trade_no", reference));
        if (!answer.ok()) {
            if ("ACQ.TRADE_NOT_EXIST".equals(answer.subCode())) {
                return new PaymentStatus("UNPAID", "TRADE_NOT_EXIST", null); // a precreated QR code nobody has scanned yet
            }
            throw new PermanentConnectorException(CONNECTOR, "Alipay refused query " + reference + ": " + answer.describe());
        }
        JsonNode t = answer.body();
        String tradeStatus = t.path("trade_status").asText();
        return switch (tradeStatus) {
            case "TRADE_SUCCESS", "TRADE_FINISHED" -> {
                String paidAt = t.path("send_pay_date").asText("");
                Instant at = paidAt.isEmpty() ? clock.instant() : AlipayNotificationVerifier.time(paidAt, "send_pay_date");
                yield new PaymentStatus("PAID", tradeStatus, new PaymentNotification(provider(), "query:" + t.path("trade_no").asText(),
                        PaymentNotification.Kind.PAYMENT_SUCCEEDED, reference, t.path("trade_no").asText(),
                        AlipayNotificationVerifier.yuan(t.path("total_amount").asText("0")), "CNY", at, tradeStatus));
            }
            case "WAIT_BUYER_PAY" -> new PaymentStatus("UNPAID", tradeStatus, null);
            case "TRADE_CLOSED" -> new PaymentStatus("CLOSED", tradeStatus, null);
            default -> new PaymentStatus("OTHER", tradeStatus, null);
        };
    }

    @Override
    public void close(String reference, String providerPaymentId) {
        Answer answer = call("alipay.trade.close", json.createObjectNode().put("out_trade_no", reference));
        // never scanned: nothing exists at Alipay to close, and the QR code expires with timeout_express
        if (!answer.ok() && !"ACQ.TRADE_NOT_EXIST".equals(answer.subCode())) {
            throw new PermanentConnectorException(CONNECTOR, "Alipay refused close " + reference + ": " + answer.describe());
        }
    }

    private Answer succeeded(Answer answer, String what) {
        if (!answer.ok()) {
            throw new PermanentConnectorException(CONNECTOR, "Alipay refused " + what + ": " + answer.describe());
        }
        return answer;
    }

    /**
     * Downloads a bill file from the {@code bill_download_url} of {@code alipay.data.dataservice.bill.downloadurl.query}:
     * a plain GET (the URL carries its own token; Alipay signs neither request nor file), on the connector's client.
     */
    byte[] download(java.net.URI url) {
        return http.send("GET bill file", HttpRequest.newBuilder(url).header("Accept", "*/*").GET(), HttpAnswer::body);
    }

    /** One signed gateway call; transient failures throw, business refusals come back as the answer's code. */
    Answer call(String method, ObjectNode bizContent) {
        return send(method, bizContent.toString());
    }

    private Answer send(String method, String bizContent) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("app_id", properties.appId());
        params.put("method", method);
        params.put("format", "JSON");
        params.put("charset", "utf-8");
        params.put("sign_type", "RSA2");
        params.put("timestamp", LocalDateTime.ofInstant(clock.instant(), AlipayNotificationVerifier.ALIPAY_TIME)
                .format(AlipayNotificationVerifier.TIME));
        params.put("version", "1.0");
        if (properties.notifyUrl() != null && method.equals("alipay.trade.precreate")) {
            params.put("notify_url", properties.notifyUrl().toString());
        }
        params.put("biz_content", bizContent);
        params.put("sign", RsaKeys.sign(keys.appKey(), AlipaySignatures.requestContent(params)));
        HttpRequest.Builder request = HttpRequest.newBuilder(properties.gatewayUrl())
                .header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(AlipaySignatures.formBody(params), StandardCharsets.UTF_8));
        return http.send(method, request, answer -> verified(method, answer));
    }

    /**
     * Alipay answers HTTP 200 with {@code code} ≠ 10000 for errors; 20000 ("service unavailable") and the system-error
     * sub-codes are transient, whatever else the code says is the calling operation's to judge (a query's
     * {@code ACQ.TRADE_NOT_EXIST} is an answer).
     */
    static ProviderError error(HttpAnswer answer) {
        JsonNode root = answer.status() / 100 == 2 ? answer.jsonOrNull() : null;
        if (root == null || !root.isObject()) {
            return null;
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.endsWith("_response")) {
                JsonNode body = root.path(name);
                String code = body.path("code").asText("");
                String subCode = body.path("sub_code").asText("");
                if ("20000".equals(code) || TRANSIENT_SUB_CODES.contains(subCode)) {
                    return ProviderError.transientError(code + " " + body.path("msg").asText("")
                            + (subCode.isEmpty() ? "" : " / " + subCode + " " + body.path("sub_msg").asText("")));
                }
            }
        }
        return null;
    }

    /** The {@code *_response} text must verify with Alipay's key; an unsigned answer is believed only as an error. */
    private Answer verified(String method, HttpAnswer answer) {
        String raw = answer.text();
        String key = method.replace('.', '_') + "_response";
        String content = AlipaySignatures.responseContent(raw, key);
        if (content == null) {
            content = AlipaySignatures.responseContent(raw, "error_response");
        }
        JsonNode whole;
        JsonNode body;
        try {
            whole = json.readTree(raw);
            body = content == null ? null : json.readTree(content);
        } catch (IOException e) {
            throw HttpOutcomes.undecodable(CONNECTOR, method, answer.status(), "JSON", e);
        }
        if (body == null) {
            throw HttpOutcomes.undecodable(CONNECTOR, method, answer.status(), "an answer with " + key, null);
        }
        String code = body.path("code").asText("");
        String sign = whole.path("sign").asText("");
        if (sign.isEmpty() ? SUCCESS.equals(code) : !RsaKeys.verifies(keys.alipayKey(), content, sign)) {
            throw new PermanentConnectorException(CONNECTOR, "Alipay's answer to " + method + " does not carry a valid signature");
        }
        return new Answer(code, body.path("sub_code").asText(""), body);
    }

    /** Yuan with two decimals as Alipay wants them; CNY only, and nothing finer than a fen (refused, not rounded). */
    static String yuan(BigDecimal amount, String currency) {
        if (!"CNY".equals(currency)) {
            throw new PermanentConnectorException(CONNECTOR, "Alipay settles in CNY; this payment is in " + currency);
        }
        try {
            return amount.setScale(2, RoundingMode.UNNECESSARY).toPlainString();
        } catch (ArithmeticException e) {
            throw new PermanentConnectorException(CONNECTOR, "amount " + amount.toPlainString() + " CNY has more decimals than a fen");
        }
    }
}
