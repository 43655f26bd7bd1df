package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Alipay's v2 gateway for the local run and the tests. It checks every request's RSA2 signature by recomputing it
 * over the sorted parameters with the app's public key ({@code isv.invalid-signature} otherwise), keeps precreated
 * trades by {@code out_trade_no} (the same trade again gets the same QR code; a trade nobody scanned does not exist
 * for query and close, as at Alipay), signs every {@code *_response} over its exact text with its own Alipay key,
 * refunds once per {@code out_request_no} ({@code fund_change=N} on a repeat), and — standing in for the customer —
 * {@code POST /sandbox/pay/{out_trade_no}} sends the hub a genuinely signed {@code TRADE_SUCCESS} notification
 * ({@code ?notify=false}: it is lost). A trade is paid once: paying it again re-sends the same notification (same
 * {@code notify_id}, same {@code trade_no}). Its signing code is its own, not the connector's (D19). Keys are
 * generated per run. Trades, refunds and the trade number sequence outlive a restart when kept in a {@link SandboxStore}.
 * It also serves the daily trade bill ({@code alipay.data.dataservice.bill.downloadurl.query}, {@link AlipaySandboxBills}).
 */
public class AlipaySandbox implements ResponseDefinitionTransformerV2 {
    public static final String NAME = "alipay";
    public static final String APP_ID = "2021000000000001";
    public static final String SELLER_ID = "2088000000000001";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final ZoneOffset CHINA = ZoneOffset.ofHours(8);
    private static final Pattern PAY = Pattern.compile("/sandbox/pay/([A-Za-z0-9_\\-]{1,64})");
    private static final Pattern BILL_EDIT = Pattern.compile("/sandbox/bill/([A-Za-z0-9_\\-*|]{1,64})");
    private static final Pattern BILL_FILE = Pattern.compile("/sandbox/bill-file/([a-f0-9]{32})");

    private final KeyPair app = WechatPaySandbox.rsa();
    private final KeyPair alipay = WechatPaySandbox.rsa();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, ObjectNode> trades = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> refunds = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() % 1_000_000);
    private final SandboxStore store;

    /** Trades in memory only (tests, benchmarks). */
    public AlipaySandbox() {
        this(SandboxStore.memoryOnly());
    }

    /** Trades and refunds in {@code store}, read back from an earlier run (the keys are new each run, as before). */
    AlipaySandbox(SandboxStore store) {
        this.store = store;
        store.load(json).ifPresent(state -> {
            state.path("trades").fields().forEachRemaining(e -> trades.put(e.getKey(), (ObjectNode) e.getValue().deepCopy()));
            state.path("refunds").fields().forEachRemaining(e -> refunds.put(e.getKey(), (ObjectNode) e.getValue().deepCopy()));
            sequence.set(state.path("tradeNoSequence").asLong(sequence.get()));
        });
        store.snapshotWith(() -> {
            ObjectNode state = json.createObjectNode();
            ObjectNode t = state.putObject("trades");
            trades.forEach((k, v) -> t.set(k, v.deepCopy()));
            ObjectNode r = state.putObject("refunds");
            refunds.forEach((k, v) -> r.set(k, v.deepCopy()));
            return state.put("tradeNoSequence", sequence.get());
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

    public PrivateKey appPrivateKey() {
        return app.getPrivate();
    }

    public PublicKey alipayPublicKey() {
        return alipay.getPublic();
    }

    /** This run's stand-in for Alipay's signing key, so tests can sign notifications as Alipay does. */
    public PrivateKey alipayPrivateKey() {
        return alipay.getPrivate();
    }

    public Map<String, ObjectNode> trades() {
        return trades;
    }

    /** Refunds by {@code out_request_no}: {@code out_trade_no}, {@code refund_amount}, {@code refund_status}, {@code gmt_refund_pay}. */
    public Map<String, ObjectNode> refunds() {
        return refunds;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        String path = URI.create(request.getUrl()).getPath();
        Matcher bill = BILL_EDIT.matcher(path);
        if (bill.matches() && request.getMethod().getName().equals("POST")) { // the tour plants a difference in the bill
            try {
                editBill(bill.group(1), (ObjectNode) json.readTree(request.getBodyAsString()));
            } catch (Exception e) {
                return new ResponseDefinitionBuilder().withStatus(400).withBody("the body is a JSON object such as {\"fee\":\"0.54\"}").build();
            }
            return new ResponseDefinitionBuilder().withStatus(204).build();
        }
        Matcher file = BILL_FILE.matcher(path);
        if (file.matches() && request.getMethod().getName().equals("GET")) {
            return bills.file(file.group(1));
        }
        Matcher pay = PAY.matcher(path);
        if (pay.matches()) {
            return pay(pay.group(1), request.queryParameter("notifyUrl").isPresent() ? request.queryParameter("notifyUrl").firstValue() : null,
                    !(request.queryParameter("notify").isPresent() && "false".equals(request.queryParameter("notify").firstValue())));
        }
        return store.change(() -> gateway(request));
    }

    /** The gateway's methods (signed requests, signed answers); notifications are sent outside, so no lock is held meanwhile. */
    private ResponseDefinition gateway(Request request) {
        Map<String, String> params = form(request.getBodyAsString());
        String method = params.getOrDefault("method", "");
        String key = method.isEmpty() ? "error_response" : method.replace('.', '_') + "_response";
        if (!APP_ID.equals(params.get("app_id"))) {
            return answer(key, error("40002", "Invalid Arguments", "isv.invalid-app-id", "无效的AppID参数"));
        }
        if (!"RSA2".equals(params.get("sign_type")) || !verifies(app.getPublic(), signedContent(params, List.of("sign")), params.get("sign"))) {
            return answer(key, error("40002", "Invalid Arguments", "isv.invalid-signature", "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配"));
        }
        JsonNode biz;
        try {
            biz = json.readTree(params.getOrDefault("biz_content", "{}"));
        } catch (Exception e) {
            return answer(key, error("40002", "Invalid Arguments", "isv.invalid-biz-content", "biz_content is not JSON"));
        }
        return switch (method) {
            case "alipay.trade.precreate" -> precreate(key, biz, params.get("notify_url"));
            case "alipay.trade.query" -> query(key, biz);
            case "alipay.trade.close" -> close(key, biz);
            case "alipay.trade.refund" -> refund(key, biz);
            case "alipay.trade.fastpay.refund.query" -> refundQuery(key, biz);
            case "alipay.data.dataservice.bill.downloadurl.query" -> billDownloadUrl(key, biz, request);
            default -> answer(key, error("40004", "Business Failed", "isv.invalid-method", "不存在的方法名 " + method));
        };
    }

    private synchronized ResponseDefinition precreate(String key, JsonNode biz, String notifyUrl) {
        String outTradeNo = biz.path("out_trade_no").asText();
        String amount = biz.path("total_amount").asText();
        if (outTradeNo.isEmpty() || !amount.matches("\\d+(\\.\\d{1,2})?") || new BigDecimal(amount).signum() <= 0
                || biz.path("subject").asText().isEmpty()) {
            return answer(key, error("40002", "Invalid Arguments", "isv.missing-parameter", "out_trade_no, total_amount and subject are required"));
        }
        ObjectNode trade = trades.get(outTradeNo);
        if (trade == null) {
            trade = json.createObjectNode().put("out_trade_no", outTradeNo).put("total_amount", amount)
                    .put("subject", biz.path("subject").asText()).put("notify_url", notifyUrl == null ? "" : notifyUrl)
                    .put("qr_code", "https://qr.alipay.com/bax0" + Long.toHexString(new SecureRandom().nextLong()))
                    .put("trade_status", "NOT_SCANNED");
            trades.put(outTradeNo, trade);
        } else if (new BigDecimal(trade.path("total_amount").asText()).compareTo(new BigDecimal(amount)) != 0) {
            return answer(key, error("40004", "Business Failed", "ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改"));
        } else if (!"NOT_SCANNED".equals(trade.path("trade_status").asText()) && !"WAIT_BUYER_PAY".equals(trade.path("trade_status").asText())) {
            return answer(key, error("40004", "Business Failed", "ACQ.TRADE_HAS_SUCCESS".replace("SUCCESS",
                    "TRADE_CLOSED".equals(trade.path("trade_status").asText()) ? "CLOSE" : "SUCCESS"), "交易状态不合法"));
        }
        return answer(key, ok().put("out_trade_no", outTradeNo).put("qr_code", trade.path("qr_code").asText()));
    }

    private ResponseDefinition query(String key, JsonNode biz) {
        ObjectNode trade = trades.get(biz.path("out_trade_no").asText());
        if (trade == null || "NOT_SCANNED".equals(trade.path("trade_status").asText())) {
            return answer(key, error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在"));
        }
        ObjectNode answer = ok().put("out_trade_no", trade.path("out_trade_no").asText())
                .put("trade_status", trade.path("trade_status").asText()).put("total_amount", trade.path("total_amount").asText());
        if (trade.has("trade_no")) {
            answer.put("trade_no", trade.path("trade_no").asText()).put("send_pay_date", trade.path("gmt_payment").asText())
                    .put("buyer_pay_amount", trade.path("total_amount").asText());
        }
        return answer(key, answer);
    }

    private synchronized ResponseDefinition close(String key, JsonNode biz) {
        ObjectNode trade = trades.get(biz.path("out_trade_no").asText());
        if (trade == null || "NOT_SCANNED".equals(trade.path("trade_status").asText())) {
            if (trade != null) {
                trade.put("trade_status", "TRADE_CLOSED"); // the QR code no longer works
            }
            return answer(key, error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在"));
        }
        if (!"WAIT_BUYER_PAY".equals(trade.path("trade_status").asText())) {
            return answer(key, error("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法"));
        }
        trade.put("trade_status", "TRADE_CLOSED");
        return answer(key, ok().put("out_trade_no", trade.path("out_trade_no").asText()));
    }

    private synchronized ResponseDefinition refund(String key, JsonNode biz) {
        ObjectNode trade = trades.get(biz.path("out_trade_no").asText());
        if (trade == null || !"TRADE_SUCCESS".equals(trade.path("trade_status").asText())) {
            return answer(key, error("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法"));
        }
        String requestNo = biz.path("out_request_no").asText(trade.path("out_trade_no").asText());
        String amount = biz.path("refund_amount").asText();
        BigDecimal refunded = new BigDecimal(trade.path("refund_fee").asText("0"));
        ObjectNode known = refunds.get(requestNo);
        boolean fundChange = known == null;
        if (known == null) {
            if (!amount.matches("\\d+(\\.\\d{1,2})?") || new BigDecimal(amount).signum() <= 0
                    || refunded.add(new BigDecimal(amount)).compareTo(new BigDecimal(trade.path("total_amount").asText())) > 0) {
                return answer(key, error("40004", "Business Failed", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限"));
            }
            refunded = refunded.add(new BigDecimal(amount));
            trade.put("refund_fee", refunded.setScale(2).toPlainString());
            known = json.createObjectNode().put("out_trade_no", trade.path("out_trade_no").asText()).put("out_request_no", requestNo)
                    .put("refund_amount", new BigDecimal(amount).setScale(2).toPlainString()).put("refund_status", "REFUND_SUCCESS")
                    .put("gmt_refund_pay", now());
            refunds.put(requestNo, known);
        }
        return answer(key, ok().put("trade_no", trade.path("trade_no").asText()).put("out_trade_no", trade.path("out_trade_no").asText())
                .put("fund_change", fundChange ? "Y" : "N").put("refund_fee", trade.path("refund_fee").asText())
                .put("gmt_refund_pay", known.path("gmt_refund_pay").asText()));
    }

    private ResponseDefinition refundQuery(String key, JsonNode biz) {
        ObjectNode known = refunds.get(biz.path("out_request_no").asText());
        if (known == null) {
            return answer(key, ok().put("out_trade_no", biz.path("out_trade_no").asText())); // no refund_status: not (yet) refunded
        }
        return answer(key, ok().setAll(known.deepCopy()));
    }

    // ---- the trade bill (docs/connectors/alipay.md, "Daily statement") ----

    /** The app's service-fee rate in the sandbox: 0.6 %, rounded half-up to the fen per payment (and returned per refund). */
    public static final BigDecimal FEE_RATE = AlipaySandboxBills.FEE_RATE;
    private final AlipaySandboxBills bills = new AlipaySandboxBills();

    /**
     * The bill row of {@code reference} (a trade's out_trade_no or a refund's out_request_no) is shown differently:
     * {@code {"drop":true}}, {@code {"fee":"0.54"}} (the payment's fee, yuan) or {@code {"amount":"17.60"}}. A reference
     * no trade or refund has, with {@code {"amount":…,"day":"yyyy-MM-dd"}}, adds a payment only Alipay knows.
     */
    public void editBill(String reference, ObjectNode edit) {
        bills.edit(reference, edit);
    }

    /**
     * {@code alipay.data.dataservice.bill.downloadurl.query}, {@code bill_type=trade}: a link to the day's bill, made
     * from the trades paid and refunds made that day (Beijing time). Alipay serves days that are over; the sandbox
     * also serves today so far, so the local tour can reconcile. A day without either is {@code isp.bill_not_exist}.
     */
    private ResponseDefinition billDownloadUrl(String key, JsonNode biz, Request request) {
        if (!"trade".equals(biz.path("bill_type").asText())) {
            return answer(key, error("40004", "Business Failed", "isp.bill_type_not_support", "bill_type: the sandbox serves trade bills only"));
        }
        java.time.LocalDate day;
        try {
            day = java.time.LocalDate.parse(biz.path("bill_date").asText());
        } catch (RuntimeException e) {
            return answer(key, error("40002", "Invalid Arguments", "isv.invalid-arguments", "bill_date 不合法: yyyy-MM-dd is required"));
        }
        if (day.isAfter(java.time.LocalDate.now(CHINA))) {
            return answer(key, error("40002", "Invalid Arguments", "isv.invalid-arguments", "bill_date 不合法: must not be in the future"));
        }
        String token = bills.make(day, trades, refunds);
        if (token == null) {
            return answer(key, error("40004", "Business Failed", "isp.bill_not_exist", "账单不存在"));
        }
        String base = URI.create(request.getAbsoluteUrl()).resolve("/").toString().replaceAll("/$", "");
        return answer(key, ok().put("bill_download_url", base + "/sandbox/bill-file/" + token));
    }

    /**
     * The customer scans and pays: the trade succeeds and the hub gets a signed notification (synchronously). Paying a
     * paid trade again takes no second payment: the hub gets the same notification again.
     */
    private ResponseDefinition pay(String outTradeNo, String notifyUrlOverride, boolean notify) {
        ObjectNode known = trades.get(outTradeNo);
        if (known == null) {
            return new ResponseDefinitionBuilder().withStatus(404).withBody("no trade " + outTradeNo).build();
        }
        ObjectNode trade = store.change(() -> paid(known));
        if (trade == null) {
            return new ResponseDefinitionBuilder().withStatus(409).withBody("trade " + outTradeNo + " is closed").build();
        }
        ObjectNode report = json.createObjectNode().put("out_trade_no", outTradeNo).put("trade_no", trade.path("trade_no").asText());
        if (!notify) {
            return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody(report.put("notified", false).toString()).build();
        }
        Map<String, String> params = new TreeMap<>();
        params.put("notify_time", trade.path("notification").path("notify_time").asText());
        params.put("notify_type", "trade_status_sync");
        params.put("notify_id", trade.path("notification").path("notify_id").asText());
        params.put("app_id", APP_ID);
        params.put("charset", "utf-8");
        params.put("version", "1.0");
        params.put("sign_type", "RSA2");
        params.put("trade_no", trade.path("trade_no").asText());
        params.put("out_trade_no", outTradeNo);
        params.put("seller_id", SELLER_ID);
        params.put("trade_status", "TRADE_SUCCESS");
        params.put("total_amount", trade.path("total_amount").asText());
        params.put("receipt_amount", trade.path("total_amount").asText());
        params.put("buyer_pay_amount", trade.path("total_amount").asText());
        params.put("subject", trade.path("subject").asText());
        params.put("gmt_payment", trade.path("gmt_payment").asText());
        params.put("sign", sign(alipay.getPrivate(), signedContent(params, List.of("sign", "sign_type"))));
        String target = notifyUrlOverride != null ? notifyUrlOverride : trade.path("notify_url").asText();
        try {
            HttpResponse<String> ack = http.send(HttpRequest.newBuilder(URI.create(target))
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(encode(params))).build(), HttpResponse.BodyHandlers.ofString());
            report.put("notified", target).put("hubAnswered", ack.statusCode()).put("hubAck", ack.body());
            return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json").withBody(report.toString()).build();
        } catch (Exception e) {
            return new ResponseDefinitionBuilder().withStatus(502).withBody("could not notify " + target + ": " + e).build();
        }
    }

    /**
     * The trade as paid (a copy), or null when it is closed. The first payment gives it its one {@code trade_no} and
     * its one notification ({@code notify_id}, {@code notify_time}); a later one finds them there.
     */
    private synchronized ObjectNode paid(ObjectNode trade) {
        if ("TRADE_CLOSED".equals(trade.path("trade_status").asText())) {
            return null;
        }
        if (!trade.has("trade_no")) {
            // 28 digits like Alipay's own (date + channel + sequence): a fixed width, so never mistaken for an 18-digit ID number
            trade.put("trade_no", LocalDateTime.now(CHINA).format(DateTimeFormatter.BASIC_ISO_DATE) + "22001"
                    + "%015d".formatted(sequence.incrementAndGet()));
            trade.put("gmt_payment", now());
        }
        if (!trade.has("notification")) {
            trade.putObject("notification").put("notify_id", UUID.randomUUID().toString().replace("-", "")).put("notify_time", now());
        }
        trade.put("trade_status", "TRADE_SUCCESS");
        return trade.deepCopy();
    }

    /** A synchronous answer as Alipay writes it: the signature covers the exact text of the {@code *_response} value. */
    private ResponseDefinition answer(String key, ObjectNode response) {
        String content = response.toString();
        String body = "{\"" + key + "\":" + content + ",\"sign\":\"" + sign(alipay.getPrivate(), content) + "\"}";
        return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "text/html;charset=utf-8").withBody(body).build();
    }

    private ObjectNode ok() {
        return json.createObjectNode().put("code", "10000").put("msg", "Success");
    }

    private ObjectNode error(String code, String msg, String subCode, String subMsg) {
        return json.createObjectNode().put("code", code).put("msg", msg).put("sub_code", subCode).put("sub_msg", subMsg);
    }

    private static String now() {
        return LocalDateTime.now(CHINA).withNano(0).format(TIME);
    }

    /** Sorted {@code k=v} of the non-empty parameters not in {@code without}, values as sent (decoded). */
    public static String signedContent(Map<String, String> params, List<String> without) {
        List<String> keys = new ArrayList<>(params.keySet());
        keys.removeAll(without);
        keys.sort(null);
        StringBuilder content = new StringBuilder();
        for (String k : keys) {
            String v = params.get(k);
            if (v != null && !v.isEmpty()) {
                content.append(content.length() == 0 ? "" : "&").append(k).append('=').append(v);
            }
        }
        return content.toString();
    }

    public static String sign(PrivateKey key, String content) {
        return WechatPaySandbox.sign(key, content); // SHA256withRSA, Base64: the same primitive as RSA2
    }

    private static boolean verifies(PublicKey key, String content, String signature) {
        try {
            java.security.Signature verifier = java.security.Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(content.getBytes(StandardCharsets.UTF_8));
            return signature != null && verifier.verify(java.util.Base64.getDecoder().decode(signature));
        } catch (Exception e) {
            return false;
        }
    }

    public static String encode(Map<String, String> params) {
        StringBuilder form = new StringBuilder();
        params.forEach((k, v) -> form.append(form.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return form.toString();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> params = new TreeMap<>();
        if (body == null || body.isEmpty()) {
            return params;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }
}
