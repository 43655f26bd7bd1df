package io.crmhub.sandbox;

import io.crmhub.connector.payment.RsaKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * WeChat Pay v3 for the local run and the tests: it checks each merchant request's {@code WECHATPAY2-SHA256-RSA2048}
 * signature by recomputing it with the merchant's public key (401 {@code SIGN_ERROR} otherwise), keeps Native orders
 * by {@code out_trade_no} (the same order again gets the same {@code code_url}), signs every answer with its platform
 * key, answers order queries and closes by {@code out_trade_no}, and — standing in for the customer scanning the QR
 * code — {@code POST /sandbox/pay/{out_trade_no}} sends the hub a genuinely signed, AES-256-GCM encrypted
 * {@code TRANSACTION.SUCCESS} notification ({@code ?notify=false}: the notification is lost). An order is paid once:
 * paying it again re-sends the same notification (same id, same {@code transaction_id}), as WeChat Pay re-delivers,
 * and a new Native order for a paid {@code out_trade_no} is refused with {@code ORDERPAID}. All keys are generated
 * here, per run; nothing is committed. Orders and refunds outlive a restart when kept in a {@link SandboxStore}.
 */
public class WechatPaySandbox implements ResponseDefinitionTransformerV2 {
    public static final String NAME = "wechatpay";
    public static final String MERCHANT_ID = "1900000001";
    public static final String APP_ID = "wxd678efh567hg6787";
    public static final String MERCHANT_SERIAL = "3775B6A45ACD588826D15E583A95F5DD********".replace('*', '0');
    public static final String PLATFORM_SERIAL = "PUB_KEY_ID_0119000000012024112500000000000001";
    private static final Pattern AUTH = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Pattern PAY = Pattern.compile("/sandbox/pay/([A-Za-z0-9_\\-*|]{6,32})");
    private static final Pattern REFUNDED = Pattern.compile("/sandbox/refund/([A-Za-z0-9_\\-*|/@]{1,64})");
    private static final Pattern BY_OUT_TRADE_NO = Pattern.compile("/v3/pay/transactions/out-trade-no/([A-Za-z0-9_\\-*|]{6,32})(/close)?");

    private final KeyPair merchant = rsa();
    private final KeyPair platform = rsa();
    private final String apiV3Key = randomKey();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, ObjectNode> orders = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> refunds = new ConcurrentHashMap<>();
    private final SandboxStore store;

    /** Orders in memory only (tests, benchmarks). */
    public WechatPaySandbox() {
        this(SandboxStore.memoryOnly());
    }

    /** Orders and refunds in {@code store}, read back from an earlier run (the keys are new each run, as before). */
    WechatPaySandbox(SandboxStore store) {
        this.store = store;
        store.load(json).ifPresent(state -> {
            state.path("orders").fields().forEachRemaining(e -> orders.put(e.getKey(), (ObjectNode) e.getValue().deepCopy()));
            state.path("refunds").fields().forEachRemaining(e -> refunds.put(e.getKey(), (ObjectNode) e.getValue().deepCopy()));
        });
        store.snapshotWith(() -> {
            ObjectNode state = json.createObjectNode();
            ObjectNode o = state.putObject("orders");
            orders.forEach((k, v) -> o.set(k, v.deepCopy()));
            ObjectNode r = state.putObject("refunds");
            refunds.forEach((k, v) -> r.set(k, v.deepCopy()));
            return state;
        });
    }

    /** Stops keeping records: called when the sandbox's server stops. */
    void closeRecords() {
        store.close();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    public PrivateKey merchantPrivateKey() {
        return merchant.getPrivate();
    }

    public PublicKey platformPublicKey() {
        return platform.getPublic();
    }

    public String apiV3Key() {
        return apiV3Key;
    }

    public Map<String, ObjectNode> orders() {
        return orders;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        String path = URI.create(request.getUrl()).getPath();
        Matcher refunded = REFUNDED.matcher(path);
        if (refunded.matches()) {
            return completeRefund(refunded.group(1), request.queryParameter("notifyUrl").isPresent()
                    ? request.queryParameter("notifyUrl").firstValue() : null);
        }
        Matcher pay = PAY.matcher(path);
        if (pay.matches()) {
            return pay(pay.group(1), request.queryParameter("notifyUrl").isPresent()
                    ? request.queryParameter("notifyUrl").firstValue() : null,
                    !(request.queryParameter("notify").isPresent() && "false".equals(request.queryParameter("notify").firstValue())));
        }
        return store.change(() -> api(request, path));
    }

    /** The merchant API (signed requests, signed answers); notifications are sent outside, so no lock is held meanwhile. */
    private ResponseDefinition api(Request request, String path) {
        String method = request.getMethod().getName();
        String body = request.getBodyAsString();
        String rawQuery = URI.create(request.getUrl()).getRawQuery();
        String canonicalUrl = path + (rawQuery == null ? "" : "?" + rawQuery);
        Map<String, String> auth = authorization(request.getHeader("Authorization"));
        String message = method + "\n" + canonicalUrl + "\n" + auth.get("timestamp") + "\n" + auth.get("nonce_str") + "\n" + body + "\n";
        if (!MERCHANT_ID.equals(auth.get("mchid")) || !MERCHANT_SERIAL.equals(auth.get("serial_no"))
                || !verifies(merchant.getPublic(), message, auth.get("signature"))) {
            return signed(401, error("SIGN_ERROR", "签名错误: the request signature does not verify"));
        }
        if (path.equals("/v3/refund/domestic/refunds") && method.equals("POST")) {
            return refund(body);
        }
        Matcher byNumber = BY_OUT_TRADE_NO.matcher(path);
        if (byNumber.matches()) {
            ObjectNode known = orders.get(byNumber.group(1));
            if (known == null) {
                return signed(404, error("ORDER_NOT_EXIST", "订单不存在"));
            }
            if (byNumber.group(2) != null && method.equals("POST")) {
                synchronized (this) {
                    if (!"SUCCESS".equals(known.path("trade_state").asText())) {
                        known.put("trade_state", "CLOSED");
                    }
                }
                return signed(204, "");
            }
            ObjectNode transaction = json.createObjectNode().put("mchid", MERCHANT_ID).put("appid", APP_ID)
                    .put("out_trade_no", byNumber.group(1)).put("trade_state", known.path("trade_state").asText());
            if (known.has("transaction_id")) {
                transaction.put("transaction_id", known.path("transaction_id").asText())
                        .put("success_time", known.path("success_time").asText());
            }
            transaction.set("amount", known.path("amount").deepCopy());
            return signed(200, transaction.toString());
        }
        if (!path.equals("/v3/pay/transactions/native") || !method.equals("POST")) {
            return signed(404, error("NOT_FOUND", "no such API in the sandbox: " + path));
        }
        JsonNode order;
        try {
            order = json.readTree(body);
        } catch (Exception e) {
            return signed(400, error("PARAM_ERROR", "body is not JSON"));
        }
        String outTradeNo = order.path("out_trade_no").asText();
        long total = order.path("amount").path("total").asLong(0);
        if (!outTradeNo.matches("[A-Za-z0-9_\\-*|]{6,32}") || total <= 0 || !order.hasNonNull("notify_url")) {
            return signed(400, error("PARAM_ERROR", "out_trade_no, amount.total and notify_url are required"));
        }
        ObjectNode known = orders.computeIfAbsent(outTradeNo, k -> {
            ObjectNode o = ((ObjectNode) order).deepCopy();
            o.put("code_url", "weixin://wxpay/bizpayurl?pr=" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6)));
            o.put("trade_state", "NOTPAY");
            return o;
        });
        if ("SUCCESS".equals(known.path("trade_state").asText())) { // one out_trade_no, one payment
            return signed(400, error("ORDERPAID", "该订单已支付"));
        }
        if (known.path("amount").path("total").asLong() != total) {
            return signed(400, error("INVALID_REQUEST", "201 商户订单号重复: out_trade_no used with another amount"));
        }
        return signed(200, "{\"code_url\":\"" + known.path("code_url").asText() + "\"}");
    }

    /**
     * The customer pays: the order becomes SUCCESS and the hub gets a signed notification (synchronously). Paying a
     * paid order again takes no second payment: the hub gets the same notification again.
     */
    private ResponseDefinition pay(String outTradeNo, String notifyUrlOverride, boolean notify) {
        ObjectNode known = orders.get(outTradeNo);
        if (known == null) {
            return new ResponseDefinitionBuilder().withStatus(404).withBody("no order " + outTradeNo).build();
        }
        ObjectNode order = store.change(() -> paid(known));
        if (order == null) {
            return new ResponseDefinitionBuilder().withStatus(409).withBody("order " + outTradeNo + " is closed").build();
        }
        if (!notify) { // the notification is lost: the hub has to ask
            return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody(json.createObjectNode().put("out_trade_no", outTradeNo)
                            .put("transaction_id", order.path("transaction_id").asText()).put("notified", false).toString()).build();
        }
        String transaction = json.createObjectNode()
                .put("mchid", MERCHANT_ID).put("appid", APP_ID).put("out_trade_no", outTradeNo)
                .put("transaction_id", order.path("transaction_id").asText()).put("trade_type", "NATIVE")
                .put("trade_state", "SUCCESS").put("trade_state_desc", "支付成功")
                .put("success_time", order.path("success_time").asText())
                .set("amount", json.createObjectNode().put("total", order.path("amount").path("total").asLong())
                        .put("payer_total", order.path("amount").path("total").asLong())
                        .put("currency", order.path("amount").path("currency").asText("CNY")).put("payer_currency", "CNY"))
                .toString();
        String target = notifyUrlOverride != null ? notifyUrlOverride : order.path("notify_url").asText();
        return notifyHub(order.path("notification"), "TRANSACTION.SUCCESS", "transaction", transaction, target,
                json.createObjectNode().put("out_trade_no", outTradeNo).put("transaction_id", order.path("transaction_id").asText()));
    }

    /**
     * The order as paid (a copy), or null when it is closed. The first payment gives it its one transaction and its
     * one notification (id, time); a later one finds them there.
     */
    private synchronized ObjectNode paid(ObjectNode order) {
        String state = order.path("trade_state").asText();
        if ("CLOSED".equals(state)) {
            return null;
        }
        if (!"SUCCESS".equals(state)) {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.ofHours(8)).withNano(0);
            order.put("trade_state", "SUCCESS");
            order.put("transaction_id", "42000" + System.currentTimeMillis() + (100 + new SecureRandom().nextInt(900)));
            order.put("success_time", now.toString());
            order.putObject("notification").put("id", UUID.randomUUID().toString()).put("create_time", now.toString());
        }
        return order.deepCopy();
    }

    /** A refund request: checked against what was paid and already refunded; same out_refund_no, same refund. */
    private synchronized ResponseDefinition refund(String body) {
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (Exception e) {
            return signed(400, error("PARAM_ERROR", "body is not JSON"));
        }
        String outTradeNo = request.path("out_trade_no").asText();
        String outRefundNo = request.path("out_refund_no").asText();
        ObjectNode order = orders.get(outTradeNo);
        if (order == null || !"SUCCESS".equals(order.path("trade_state").asText())) {
            return signed(404, error("RESOURCE_NOT_EXISTS", "订单不存在或未支付"));
        }
        ObjectNode known = refunds.get(outRefundNo);
        if (known == null) {
            long refund = request.path("amount").path("refund").asLong();
            long already = refunds.values().stream().filter(r -> r.path("out_trade_no").asText().equals(outTradeNo))
                    .mapToLong(r -> r.path("amount").path("refund").asLong()).sum();
            if (refund <= 0 || already + refund > order.path("amount").path("total").asLong()) {
                return signed(400, error("NOT_ENOUGH", "申请退款金额超过订单可退金额"));
            }
            known = json.createObjectNode().put("refund_id", "50000" + System.currentTimeMillis() + (100 + new SecureRandom().nextInt(900)))
                    .put("out_refund_no", outRefundNo).put("out_trade_no", outTradeNo)
                    .put("transaction_id", order.path("transaction_id").asText()).put("status", "PROCESSING")
                    .put("notify_url", request.path("notify_url").asText(order.path("notify_url").asText()));
            known.set("amount", json.createObjectNode().put("refund", refund).put("total", order.path("amount").path("total").asLong())
                    .put("payer_refund", refund).put("payer_total", order.path("amount").path("total").asLong())
                    .put("currency", order.path("amount").path("currency").asText("CNY")));
            refunds.put(outRefundNo, known);
        }
        ObjectNode answer = known.deepCopy();
        answer.remove("notify_url");
        return signed(200, answer.toString());
    }

    /** The refund completes at "the bank": the hub gets a signed REFUND.SUCCESS notification. */
    private ResponseDefinition completeRefund(String outRefundNo, String notifyUrlOverride) {
        ObjectNode known = refunds.get(outRefundNo);
        if (known == null) {
            return new ResponseDefinitionBuilder().withStatus(404).withBody("no refund " + outRefundNo).build();
        }
        ObjectNode refund = store.change(() -> {
            synchronized (this) {
                known.put("status", "SUCCESS");
                return known.deepCopy();
            }
        });
        ObjectNode plain = json.createObjectNode().put("mchid", MERCHANT_ID)
                .put("out_trade_no", refund.path("out_trade_no").asText()).put("transaction_id", refund.path("transaction_id").asText())
                .put("out_refund_no", outRefundNo).put("refund_id", refund.path("refund_id").asText()).put("refund_status", "SUCCESS")
                .put("success_time", OffsetDateTime.now(ZoneOffset.ofHours(8)).withNano(0).toString());
        plain.set("amount", refund.path("amount").deepCopy());
        String target = notifyUrlOverride != null ? notifyUrlOverride : refund.path("notify_url").asText();
        return notifyHub(com.fasterxml.jackson.databind.node.MissingNode.getInstance(), "REFUND.SUCCESS", "refund", plain.toString(), target,
                json.createObjectNode().put("out_refund_no", outRefundNo).put("refund_id", refund.path("refund_id").asText()));
    }

    /**
     * Sends the hub a notification as WeChat Pay does: resource encrypted with the APIv3 key, body signed. A
     * re-delivery names the notification it repeats ({@code id}, {@code create_time}); a missing one is a new one.
     */
    private ResponseDefinition notifyHub(JsonNode repeated, String eventType, String originalType, String plaintext, String target,
                                         ObjectNode report) {
        String nonce = HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
        ObjectNode notification = json.createObjectNode();
        notification.put("id", repeated.path("id").asText(UUID.randomUUID().toString()));
        notification.put("create_time", repeated.path("create_time").asText(OffsetDateTime.now(ZoneOffset.ofHours(8)).withNano(0).toString()));
        notification.put("resource_type", "encrypt-resource");
        notification.put("event_type", eventType);
        notification.put("summary", eventType.startsWith("REFUND") ? "退款成功" : "支付成功");
        notification.set("resource", json.createObjectNode().put("original_type", originalType)
                .put("algorithm", "AEAD_AES_256_GCM").put("ciphertext", encrypt(plaintext, nonce, originalType))
                .put("associated_data", originalType).put("nonce", nonce));
        String body = notification.toString();
        String ts = String.valueOf(Instant.now().getEpochSecond());
        String headerNonce = UUID.randomUUID().toString().replace("-", "");
        try {
            HttpResponse<String> ack = http.send(HttpRequest.newBuilder(URI.create(target))
                    .header("Content-Type", "application/json")
                    .header("Wechatpay-Timestamp", ts).header("Wechatpay-Nonce", headerNonce)
                    .header("Wechatpay-Serial", PLATFORM_SERIAL).header("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
                    .header("Wechatpay-Signature", sign(platform.getPrivate(), ts + "\n" + headerNonce + "\n" + body + "\n"))
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
            report.put("notified", target).put("hubAnswered", ack.statusCode());
            return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody(report.toString()).build();
        } catch (Exception e) {
            return new ResponseDefinitionBuilder().withStatus(502).withBody("could not notify " + target + ": " + e).build();
        }
    }

    private ResponseDefinition signed(int status, String body) {
        String ts = String.valueOf(Instant.now().getEpochSecond());
        String nonce = UUID.randomUUID().toString().replace("-", "");
        return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json")
                .withHeader("Request-ID", UUID.randomUUID().toString())
                .withHeader("Wechatpay-Timestamp", ts).withHeader("Wechatpay-Nonce", nonce)
                .withHeader("Wechatpay-Serial", PLATFORM_SERIAL)
                .withHeader("Wechatpay-Signature", sign(platform.getPrivate(), ts + "\n" + nonce + "\n" + body + "\n"))
                .withBody(body).build();
    }

    private String error(String code, String message) {
        return json.createObjectNode().put("code", code).put("message", message).toString();
    }

    private static Map<String, String> authorization(String header) {
        Map<String, String> parts = new ConcurrentHashMap<>();
        if (header != null && header.startsWith("WECHATPAY2-SHA256-RSA2048 ")) {
            Matcher m = AUTH.matcher(header);
            while (m.find()) {
                parts.put(m.group(1), m.group(2));
            }
        }
        return parts;
    }

    private String encrypt(String plaintext, String nonce, String aad) {
        return encrypt(apiV3Key, plaintext, nonce, aad);
    }

    /** A notification {@code resource.ciphertext} as WeChat Pay makes it: AES-256-GCM, tag appended, Base64. */
    public static String encrypt(String apiV3Key, String plaintext, String nonce, String aad) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(apiV3Key.getBytes(StandardCharsets.UTF_8), "AES"),
                    new GCMParameterSpec(128, nonce.getBytes(StandardCharsets.UTF_8)));
            cipher.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA256withRSA, Base64: the connector's own primitive ({@link RsaKeys#sign}), as the sandbox signs for WeChat Pay. */
    public static String sign(PrivateKey key, String message) {
        return RsaKeys.sign(key, message);
    }

    private static boolean verifies(PublicKey key, String message, String signature) {
        return RsaKeys.verifies(key, message, signature);
    }

    /** A fresh 2048-bit RSA key pair (keys are generated per run, never committed). */
    public static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh 32-character APIv3 key. */
    public static String randomKey() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            key.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return key.toString();
    }
}
