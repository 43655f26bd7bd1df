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
    private static final Pattern BILL_EDIT = Pattern.compile("/sandbox/bill/([A-Za-z0-9_\\-*|]{1,64})");
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

    /** Refunds by our refund number ({@code out_refund_no}). */
    public Map<String, ObjectNode> refunds() {
        return refunds;
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
        Matcher bill = BILL_EDIT.matcher(path);
        if (bill.matches() && request.getMethod().getName().equals("POST")) { // the tour plants a difference in the bill
            try {
                editBill(bill.group(1), (ObjectNode) json.readTree(request.getBodyAsString()));
            } catch (Exception e) {
                return new ResponseDefinitionBuilder().withStatus(400).withBody("the body is a JSON object such as {\"fee\":\"0.54\"}").build();
            }
            return new ResponseDefinitionBuilder().withStatus(204).build();
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
        if (path.equals("/v3/bill/tradebill") && method.equals("GET")) {
            return tradeBill(request);
        }
        if (path.equals("/v3/billdownload/file") && method.equals("GET")) {
            return billFile(request);
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
                    .put("create_time", OffsetDateTime.now(ZoneOffset.ofHours(8)).withNano(0).toString())
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

    // ---- the trade bill (docs/connectors/wechatpay.md, "Daily statement") ----

    /** The merchant's fee rate in the sandbox: 0.6 %, rounded half-up to the fen per payment (and per refund, returned). */
    public static final java.math.BigDecimal FEE_RATE = new java.math.BigDecimal("0.006");
    private static final java.time.ZoneId BEIJING = java.time.ZoneId.of("Asia/Shanghai");
    private final Map<String, byte[]> bills = new ConcurrentHashMap<>();
    /** What the tour or a test told the bill to show differently, by reference: drop the row, or another fee or amount. */
    private final Map<String, ObjectNode> billEdits = new ConcurrentHashMap<>();

    /**
     * The bill of {@code reference} (a payment's out_trade_no or a refund's out_refund_no) is shown differently:
     * {@code {"drop":true}}, {@code {"fee":"0.54"}} or {@code {"amount":"17.60"}} (yuan). A reference no order has, with
     * {@code {"amount":…,"day":"yyyy-MM-dd"}}, adds a payment only WeChat Pay knows.
     */
    public void editBill(String reference, ObjectNode edit) {
        billEdits.put(reference, edit);
    }

    /** {@code GET /v3/bill/tradebill}: the day's ALL bill, made from the orders paid and the refunds accepted that day. */
    private ResponseDefinition tradeBill(Request request) {
        java.time.LocalDate day;
        try {
            day = java.time.LocalDate.parse(request.queryParameter("bill_date").firstValue());
        } catch (RuntimeException e) {
            return signed(400, error("PARAM_ERROR", "bill_date 格式错误: yyyy-MM-dd is required"));
        }
        // WeChat Pay states a day once it is over; the sandbox also serves today so far, so the local tour can reconcile
        if (day.isAfter(java.time.LocalDate.now(BEIJING))) {
            return signed(400, error("PARAM_ERROR", "账单日期不能晚于今天: bill_date must not be in the future (Beijing time)"));
        }
        byte[] bill = billOf(day);
        if (bill == null) {
            return signed(400, error("NO_STATEMENT_EXIST", "请求的账单文件不存在"));
        }
        String token = UUID.randomUUID().toString().replace("-", "");
        bills.put(token, bill);
        String base = URI.create(request.getAbsoluteUrl()).resolve("/").toString().replaceAll("/$", "");
        String sha1;
        try {
            sha1 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(bill));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return signed(200, json.createObjectNode().put("hash_type", "SHA1").put("hash_value", sha1)
                .put("download_url", base + "/v3/billdownload/file?token=" + token).toString());
    }

    /** The file itself: not JSON, and not signed (as WeChat Pay's is not). */
    private ResponseDefinition billFile(Request request) {
        byte[] bill = request.queryParameter("token").isPresent() ? bills.get(request.queryParameter("token").firstValue()) : null;
        if (bill == null) {
            return new ResponseDefinitionBuilder().withStatus(404).withBody("no such bill").build();
        }
        return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/octet-stream").withBody(bill).build();
    }

    private synchronized byte[] billOf(java.time.LocalDate day) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        java.math.BigDecimal settled = java.math.BigDecimal.ZERO;
        java.math.BigDecimal refunded = java.math.BigDecimal.ZERO;
        java.math.BigDecimal fees = java.math.BigDecimal.ZERO;
        java.math.BigDecimal ordered = java.math.BigDecimal.ZERO;
        java.math.BigDecimal asked = java.math.BigDecimal.ZERO;
        for (ObjectNode o : new java.util.TreeMap<>(orders).values()) {
            String reference = o.path("out_trade_no").asText(o.path("request").path("out_trade_no").asText());
            if (!"SUCCESS".equals(o.path("trade_state").asText()) || !onDay(o.path("success_time").asText(), day)) {
                continue;
            }
            ObjectNode edit = billEdits.get(reference);
            if (edit != null && edit.path("drop").asBoolean(false)) {
                continue;
            }
            java.math.BigDecimal amount = edit != null && edit.has("amount") ? new java.math.BigDecimal(edit.path("amount").asText())
                    : yuan(o.path("amount").path("total").asLong());
            java.math.BigDecimal fee = edit != null && edit.has("fee") ? new java.math.BigDecimal(edit.path("fee").asText()) : fee(amount);
            lines.add(row(o.path("success_time").asText(), o.path("transaction_id").asText(), reference, "SUCCESS", amount, "0", "0",
                    java.math.BigDecimal.ZERO, "", "", o.path("description").asText(""), fee, amount, java.math.BigDecimal.ZERO));
            settled = settled.add(amount);
            ordered = ordered.add(amount);
            fees = fees.add(fee);
        }
        for (Map.Entry<String, ObjectNode> e : billEdits.entrySet()) { // payments only WeChat Pay knows
            if (!orders.containsKey(e.getKey()) && !refunds.containsKey(e.getKey()) && day.toString().equals(e.getValue().path("day").asText())) {
                java.math.BigDecimal amount = new java.math.BigDecimal(e.getValue().path("amount").asText("0"));
                java.math.BigDecimal fee = fee(amount);
                lines.add(row(day + "T12:00:00+08:00", "42000" + Math.abs(e.getKey().hashCode()), e.getKey(), "SUCCESS", amount, "0", "0",
                        java.math.BigDecimal.ZERO, "", "", "", fee, amount, java.math.BigDecimal.ZERO));
                settled = settled.add(amount);
                ordered = ordered.add(amount);
                fees = fees.add(fee);
            }
        }
        for (ObjectNode r : new java.util.TreeMap<>(refunds).values()) {
            String reference = r.path("out_refund_no").asText();
            if (!onDay(r.path("create_time").asText(), day)) {
                continue;
            }
            ObjectNode edit = billEdits.get(reference);
            if (edit != null && edit.path("drop").asBoolean(false)) {
                continue;
            }
            java.math.BigDecimal amount = edit != null && edit.has("amount") ? new java.math.BigDecimal(edit.path("amount").asText())
                    : yuan(r.path("amount").path("refund").asLong());
            java.math.BigDecimal fee = fee(amount).negate();
            lines.add(row(r.path("create_time").asText(), r.path("transaction_id").asText(), r.path("out_trade_no").asText(), "REFUND",
                    java.math.BigDecimal.ZERO, r.path("refund_id").asText(), reference, amount, "ORIGINAL", r.path("status").asText(), "",
                    fee, java.math.BigDecimal.ZERO, amount));
            refunded = refunded.add(amount);
            asked = asked.add(amount);
            fees = fees.add(fee);
        }
        if (lines.isEmpty()) {
            return null;
        }
        StringBuilder bill = new StringBuilder("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
                + "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,"
                + "申请退款金额,费率备注\n");
        lines.forEach(l -> bill.append(l).append('\n'));
        bill.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n");
        bill.append('`').append(lines.size()).append(",`").append(settled.toPlainString()).append(",`").append(refunded.toPlainString())
                .append(",`0.00,`").append(fees.setScale(5).toPlainString()).append(",`").append(ordered.toPlainString()).append(",`")
                .append(asked.toPlainString()).append('\n');
        return bill.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String row(String time, String transaction, String outTradeNo, String state, java.math.BigDecimal settled,
                              String refundId, String outRefundNo, java.math.BigDecimal refund, String refundType, String refundState,
                              String description, java.math.BigDecimal fee, java.math.BigDecimal total, java.math.BigDecimal asked) {
        String at = OffsetDateTime.parse(time).atZoneSameInstant(BEIJING).toLocalDateTime().format(java.time.format.DateTimeFormatter
                .ofPattern("yyyy-MM-dd HH:mm:ss"));
        return String.join(",", java.util.stream.Stream.of(at, APP_ID, MERCHANT_ID, "0", "", transaction, outTradeNo, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                "NATIVE", state, "OTHERS", "CNY", settled.toPlainString(), "0.00", refundId, outRefundNo, refund.toPlainString(), "0.00",
                refundType, refundState, description.replace(",", " "), "", fee.setScale(5).toPlainString(), "0.60%", total.toPlainString(),
                asked.toPlainString(), "").map(f -> "`" + f).toList());
    }

    private static boolean onDay(String time, java.time.LocalDate day) {
        try {
            return OffsetDateTime.parse(time).atZoneSameInstant(BEIJING).toLocalDate().equals(day);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static java.math.BigDecimal yuan(long fen) {
        return java.math.BigDecimal.valueOf(fen, 2);
    }

    private static java.math.BigDecimal fee(java.math.BigDecimal amount) {
        return amount.multiply(FEE_RATE).setScale(2, java.math.RoundingMode.HALF_UP);
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
