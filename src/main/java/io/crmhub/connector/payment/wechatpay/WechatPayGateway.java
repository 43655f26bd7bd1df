package io.crmhub.connector.payment.wechatpay;

import io.crmhub.connector.payment.RsaKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmhub.crm.canonical.PaymentGateway;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.http.ConnectorHttpClient;
import io.crmhub.routing.http.ConnectorHttpClients;
import io.crmhub.routing.http.HttpAnswer;
import io.crmhub.routing.http.ProviderError;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;

/**
 * WeChat Pay v3 Native payments (providers.md §1.1): {@code POST /v3/pay/transactions/native} signed with the
 * merchant key ({@code WECHATPAY2-SHA256-RSA2048}), our payment reference as {@code out_trade_no} (re-submitting the
 * same order is safe), amount in fen; the platform's signature on the answer is verified before it is believed.
 * Sent on the connector HTTP client; WeChat Pay's own part is the signing and its {@code code}/{@code message} errors.
 */
public class WechatPayGateway implements PaymentGateway {
    public static final String CONNECTOR = "payment-wechatpay";
    static final String NATIVE = "/v3/pay/transactions/native";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WechatPayProperties properties;
    private final WechatPayKeys keys;
    private final ObjectMapper json;
    private final Clock clock;
    private final ConnectorHttpClient http;

    public WechatPayGateway(WechatPayProperties properties, WechatPayKeys keys, ObjectMapper json, ConnectorHttpClients clients,
                            Clock clock) {
        this.properties = properties;
        this.keys = keys;
        this.json = json;
        this.clock = clock;
        this.http = clients.create(CONNECTOR, properties, WechatPayGateway::error);
    }

    @Override
    public String provider() {
        return WechatPayNotificationVerifier.PROVIDER;
    }

    @Override
    public PaymentInstructions create(PaymentRequest request) {
        if (properties.appId() == null || properties.merchantSerialNumber() == null || properties.notifyUrl() == null) {
            throw new PermanentConnectorException(CONNECTOR, "WeChat Pay needs app-id, merchant-serial-number, "
                    + "merchant-private-key and notify-url to create payments");
        }
        ObjectNode body = json.createObjectNode();
        body.put("appid", properties.appId());
        body.put("mchid", properties.merchantId());
        body.put("description", request.description());
        body.put("out_trade_no", request.reference());
        body.put("notify_url", properties.notifyUrl().toString());
        ObjectNode amount = body.putObject("amount");
        amount.put("total", fen(request.amount(), request.currency()));
        amount.put("currency", request.currency());
        JsonNode answer = post(NATIVE, body.toString());
        String codeUrl = answer.path("code_url").asText("");
        if (codeUrl.isEmpty()) {
            throw new PermanentConnectorException(CONNECTOR, "WeChat Pay answered without code_url: " + answer);
        }
        return new PaymentInstructions(codeUrl, null, null);
    }

    @Override
    public RefundResult refund(RefundRequest request) {
        ObjectNode body = json.createObjectNode();
        body.put("out_trade_no", request.paymentReference());
        body.put("out_refund_no", request.refundReference());
        if (request.reason() != null && !request.reason().isBlank()) {
            body.put("reason", request.reason());
        }
        if (properties.notifyUrl() != null) {
            body.put("notify_url", properties.notifyUrl().toString());
        }
        ObjectNode amount = body.putObject("amount");
        amount.put("refund", fen(request.amount(), request.currency()));
        amount.put("total", fen(request.paymentAmount(), request.currency()));
        amount.put("currency", request.currency());
        JsonNode answer = post("/v3/refund/domestic/refunds", body.toString());
        String status = answer.path("status").asText();
        if (answer.path("refund_id").asText("").isEmpty() || !(status.equals("SUCCESS") || status.equals("PROCESSING"))) {
            throw new PermanentConnectorException(CONNECTOR, "WeChat Pay did not accept the refund: " + answer);
        }
        return new RefundResult(answer.path("refund_id").asText(), status.equals("SUCCESS") ? "SUCCEEDED" : "PROCESSING");
    }

    @Override
    public PaymentStatus query(String reference, String providerPaymentId) {
        String path = "/v3/pay/transactions/out-trade-no/" + encode(reference) + "?mchid=" + encode(properties.merchantId());
        JsonNode t = send("GET", path, "");
        String tradeState = t.path("trade_state").asText();
        String state = switch (tradeState) {
            case "SUCCESS" -> "PAID";
            case "NOTPAY" -> "UNPAID";
            case "CLOSED", "REVOKED" -> "CLOSED";
            default -> "OTHER";
        };
        PaymentNotification paid = null;
        if ("PAID".equals(state)) {
            String currency = t.path("amount").path("currency").asText("CNY");
            int digits = java.util.Currency.getInstance(currency).getDefaultFractionDigits();
            java.time.Instant at;
            try {
                at = java.time.OffsetDateTime.parse(t.path("success_time").asText()).toInstant();
            } catch (RuntimeException e) {
                at = clock.instant();
            }
            paid = new PaymentNotification(provider(), "query:" + t.path("transaction_id").asText(),
                    PaymentNotification.Kind.PAYMENT_SUCCEEDED, reference, t.path("transaction_id").asText(),
                    BigDecimal.valueOf(t.path("amount").path("total").asLong(), digits), currency, at, tradeState);
        }
        return new PaymentStatus(state, tradeState, paid);
    }

    @Override
    public void close(String reference, String providerPaymentId) {
        String path = "/v3/pay/transactions/out-trade-no/" + encode(reference) + "/close";
        send("POST", path, json.createObjectNode().put("mchid", properties.merchantId()).toString());
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonNode post(String path, String body) {
        return send("POST", path, body);
    }

    /** A signed GET whose answer is verified like every API answer (the trade bill's step 1). */
    JsonNode get(String path) {
        return send("GET", path, "");
    }

    /**
     * Downloads a bill file: the request is signed over the URL's path and query with an empty body, as every v3 call;
     * the answer is the file itself, which WeChat Pay does not sign (its SHA1 is checked against step 1's hash instead).
     */
    byte[] download(URI url) {
        String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder(url).header("Authorization", authorization("GET", path, ""))
                .header("Accept", "*/*").GET();
        return http.send("GET bill file", request, HttpAnswer::body);
    }

    private String authorization(String method, String path, String body) {
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        String nonce = HexFormat.of().withUpperCase().formatHex(RANDOM.generateSeed(16));
        String signature = RsaKeys.sign(keys.merchantKey(),
                WechatPaySignatures.requestMessage(method, path, timestamp, nonce, body));
        return "WECHATPAY2-SHA256-RSA2048 mchid=\"%s\",nonce_str=\"%s\",timestamp=\"%s\",serial_no=\"%s\",signature=\"%s\""
                .formatted(properties.merchantId(), nonce, timestamp, properties.merchantSerialNumber(), signature);
    }

    private JsonNode send(String method, String path, String body) {
        String authorization = authorization(method, path, body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(properties.baseUrl().toString().replaceAll("/$", "") + path))
                .header("Authorization", authorization).header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .method(method, "GET".equals(method) ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return http.send(method + " " + path, request, answer -> {
            JsonNode decoded = answer.isEmpty() ? json.createObjectNode() : answer.json(); // 204 No Content (close)
            verifyResponse(answer);
            return decoded;
        });
    }

    /** WeChat Pay's error envelope {@code {"code":"PARAM_ERROR","message":"..."}}; its status decides. */
    static ProviderError error(HttpAnswer answer) {
        JsonNode error = answer.status() / 100 == 2 ? null : answer.jsonOrNull();
        return error == null || !error.hasNonNull("code") ? null
                : ProviderError.of(error.path("code").asText() + ": " + error.path("message").asText(""));
    }

    /** The platform signs every answer; one that does not verify is not believed (and not retried). */
    private void verifyResponse(HttpAnswer answer) {
        String serial = answer.header("Wechatpay-Serial").orElse("");
        PublicKey key = keys.platformKey(serial);
        String timestamp = answer.header("Wechatpay-Timestamp").orElse("");
        String nonce = answer.header("Wechatpay-Nonce").orElse("");
        String signature = answer.header("Wechatpay-Signature").orElse("");
        if (key == null || !RsaKeys.verifies(key, WechatPaySignatures.responseMessage(timestamp, nonce, answer.text()), signature)) {
            throw new PermanentConnectorException(CONNECTOR, "WeChat Pay's answer does not carry a valid platform signature (serial '"
                    + serial + "')");
        }
        long skew = Math.abs(clock.instant().getEpochSecond() - parseSeconds(timestamp));
        if (skew > properties.replayWindow().toSeconds()) {
            throw new PermanentConnectorException(CONNECTOR, "WeChat Pay's answer is timestamped " + skew + " s away from now");
        }
    }

    private static long parseSeconds(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** WeChat Pay amounts are integers in the currency's minor unit (fen); anything finer is refused, never rounded. */
    static long fen(BigDecimal amount, String currency) {
        int digits = java.util.Currency.getInstance(currency).getDefaultFractionDigits();
        try {
            return amount.setScale(digits, java.math.RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
        } catch (ArithmeticException e) {
            throw new PermanentConnectorException(CONNECTOR, "amount " + amount.toPlainString() + " " + currency
                    + " has more decimals than WeChat Pay accepts");
        }
    }
}
