package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe for the local run and the tests, speaking its wire protocol: form-encoded requests with
 * {@code Authorization: Bearer sk_test_...} (401 with a Stripe error otherwise), {@code Idempotency-Key} semantics
 * (the same key and parameters answer the stored response with {@code Idempotent-Replayed: true}; the same key with
 * other parameters is a 400 {@code idempotency_error}), PaymentIntents in memory (create, retrieve, cancel), refunds
 * (created {@code succeeded}; a signed {@code refund.created} event follows shortly, as Stripe delivers events after
 * answering), and — standing in for the customer paying with the client secret — {@code POST /sandbox/pay/{payment
 * reference or pi_ id}} marks the PaymentIntent succeeded and sends the hub a genuinely signed
 * {@code payment_intent.succeeded} event ({@code ?notify=false}: the event is lost); paying it again takes no second
 * charge and re-sends the same event (same id, same {@code latest_charge}), as Stripe re-delivers. PaymentIntents,
 * refunds, idempotency keys and sent payment events outlive a restart when kept in a {@link SandboxStore}. Stripe has no per-request
 * notify URL, so the sandbox is configured with the hub's webhook URL. The secret key and the webhook signing secret
 * are generated here, per run; the signature is computed by this class's own code, not the connector's (D19).
 * {@code GET /v1/balance_transactions} lists its charges and refunds with fees ({@link StripeSandboxLedger}).
 */
public class StripeSandbox implements ResponseDefinitionTransformerV2 {
    public static final String NAME = "stripe";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern INTENT = Pattern.compile("/v1/payment_intents/(pi_[A-Za-z0-9]+)(/cancel)?");
    private static final Pattern PAY = Pattern.compile("/sandbox/pay/([A-Za-z0-9_\\-]{3,64})");
    private static final Pattern BILL_EDIT = Pattern.compile("/sandbox/bill/([A-Za-z0-9_\\-*|]{1,64})");

    private final String secretKey = "sk_test_" + random(24);
    private final String webhookSecret = "whsec_" + random(32);
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService deliveries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stripe-sandbox-webhooks");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ObjectNode> intents = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> refunds = new ConcurrentHashMap<>();
    private final Map<String, Stored> idempotent = new ConcurrentHashMap<>();
    /** The {@code payment_intent.succeeded} event of each paid PaymentIntent, by its id: a payment is announced once. */
    private final Map<String, ObjectNode> paymentEvents = new ConcurrentHashMap<>();
    private final List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    private volatile String webhookUrl;
    private volatile Duration eventDelay = Duration.ofMillis(300);

    private record Stored(String endpoint, Map<String, List<String>> params, int status, String body) {
    }

    private final SandboxStore store;

    /** PaymentIntents in memory only (tests, benchmarks). */
    public StripeSandbox() {
        this(SandboxStore.memoryOnly());
    }

    /** PaymentIntents, refunds, idempotency keys and payment events in {@code store}, read back from an earlier run. */
    StripeSandbox(SandboxStore store) {
        this.store = store;
        store.load(json).ifPresent(this::restore);
        store.snapshotWith(this::snapshot);
    }

    private ObjectNode snapshot() { // called by the store, which runs changes one at a time: nothing moves meanwhile
        ObjectNode state = json.createObjectNode();
        ObjectNode i = state.putObject("paymentIntents");
        intents.forEach((k, v) -> i.set(k, v.deepCopy()));
        ObjectNode r = state.putObject("refunds");
        refunds.forEach((k, v) -> r.set(k, v.deepCopy()));
        ObjectNode e = state.putObject("paymentEvents");
        paymentEvents.forEach((k, v) -> e.set(k, v.deepCopy()));
        ObjectNode keys = state.putObject("idempotencyKeys");
        idempotent.forEach((k, v) -> {
            ObjectNode stored = keys.putObject(k).put("endpoint", v.endpoint()).put("status", v.status()).put("body", v.body());
            stored.set("params", json.valueToTree(v.params()));
        });
        return state;
    }

    private void restore(com.fasterxml.jackson.databind.JsonNode state) {
        state.path("paymentIntents").fields().forEachRemaining(e -> intents.put(e.getKey(), (ObjectNode) e.getValue().deepCopy()));
        state.path("refunds").fields().forEachRemaining(e -> refunds.put(e.getKey(), (ObjectNode) e.getValue().deepCopy()));
        state.path("paymentEvents").fields().forEachRemaining(e -> paymentEvents.put(e.getKey(), (ObjectNode) e.getValue().deepCopy()));
        state.path("idempotencyKeys").fields().forEachRemaining(e -> {
            Map<String, List<String>> params = new LinkedHashMap<>();
            e.getValue().path("params").fields().forEachRemaining(p -> {
                List<String> values = new ArrayList<>();
                p.getValue().forEach(v -> values.add(v.asText()));
                params.put(p.getKey(), values);
            });
            idempotent.put(e.getKey(), new Stored(e.getValue().path("endpoint").asText(), params,
                    e.getValue().path("status").asInt(), e.getValue().path("body").asText()));
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

    public String secretKey() {
        return secretKey;
    }

    public String webhookSecret() {
        return webhookSecret;
    }

    /** Where events are sent (the hub's {@code /webhooks/payments/stripe}), as configured in Stripe's dashboard. */
    public void webhookUrl(String url) {
        this.webhookUrl = url;
    }

    public Map<String, ObjectNode> paymentIntents() {
        return intents;
    }

    public Map<String, ObjectNode> refunds() {
        return refunds;
    }

    // ---- balance transactions (docs/connectors/stripe.md, "Daily statement") ----

    /** The sandbox's price: 2.9 % + 0.30 (see {@link StripeSandboxLedger}). */
    public static final java.math.BigDecimal FEE_RATE = StripeSandboxLedger.FEE_RATE;
    private final StripeSandboxLedger ledger = new StripeSandboxLedger(json);

    /**
     * The balance transaction of {@code reference} (a payment's {@code metadata.crm_payment_reference} or a refund's
     * {@code metadata.crm_refund_reference}) is shown differently: {@code {"drop":true}}, {@code {"fee":"0.54"}} or
     * {@code {"amount":"17.60"}} (major units). A reference no PaymentIntent has, with
     * {@code {"amount":…,"day":"yyyy-MM-dd"[,"currency":"usd"]}}, adds a charge only Stripe knows (at 12:00 UTC).
     */
    public void editBill(String reference, ObjectNode edit) {
        ledger.edit(reference, edit);
    }

    /** The fee in minor units the sandbox charges on {@code amount} minor units. */
    public static long fee(long amount, String currency) {
        return StripeSandboxLedger.fee(amount, currency);
    }

    /** {@code <event type> <event id> -> <hub's HTTP status>} for every event sent, in order. */
    public List<String> deliveredEvents() {
        synchronized (delivered) {
            return List.copyOf(delivered);
        }
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        String path = URI.create(request.getUrl()).getPath();
        String method = request.getMethod().getName();
        Matcher bill = BILL_EDIT.matcher(path);
        if (bill.matches() && method.equals("POST")) { // the tour plants a difference in the balance transactions
            try {
                editBill(bill.group(1), (ObjectNode) json.readTree(request.getBodyAsString()));
            } catch (Exception e) {
                return plain(400, "the body is a JSON object such as {\"fee\":\"0.54\"}");
            }
            return new ResponseDefinitionBuilder().withStatus(204).build();
        }
        Matcher pay = PAY.matcher(path);
        if (pay.matches() && method.equals("POST")) {
            boolean notify = !(request.queryParameter("notify").isPresent() && "false".equals(request.queryParameter("notify").firstValue()));
            return pay(pay.group(1), notify);
        }
        return store.change(() -> api(request, path, method));
    }

    /** The API (Bearer key, idempotency keys); events are sent outside, so no lock is held meanwhile. */
    private ResponseDefinition api(Request request, String path, String method) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.equals("Bearer " + secretKey)) {
            return error(401, "invalid_request_error", null, null, authorization == null || !authorization.startsWith("Bearer ")
                    ? "You did not provide an API key. Provide it in the Authorization header as a Bearer token."
                    : "Invalid API Key provided: " + mask(authorization.substring(7)));
        }
        Map<String, List<String>> params = method.equals("GET") ? form(URI.create(request.getUrl()).getRawQuery())
                : form(request.getBodyAsString());
        String key = request.getHeader("Idempotency-Key");
        if (!method.equals("POST") || key == null) {
            return handle(method, path, params).toDefinition();
        }
        synchronized (this) {
            Stored earlier = idempotent.get(key);
            String endpoint = method + " " + path;
            if (earlier != null) {
                if (!earlier.endpoint().equals(endpoint) || !earlier.params().equals(params)) {
                    return error(400, "idempotency_error", null, null, "Keys for idempotent requests can only be used with the "
                            + "same parameters they were first used with. Try using a key other than '" + key + "' if you meant "
                            + "to execute a different request.");
                }
                return new ResponseDefinitionBuilder().withStatus(earlier.status()).withHeader("Content-Type", "application/json")
                        .withHeader("Idempotent-Replayed", "true").withHeader("Idempotency-Key", key)
                        .withHeader("Request-Id", "req_" + random(14)).withBody(earlier.body()).build();
            }
            Answer answer = handle(method, path, params);
            if (answer.executed()) { // a request that failed validation is not stored, as at Stripe
                idempotent.put(key, new Stored(endpoint, params, answer.status(), answer.body()));
            }
            return answer.toDefinition();
        }
    }

    private record Answer(int status, String body, boolean executed) {
        ResponseDefinition toDefinition() {
            return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json")
                    .withHeader("Request-Id", "req_" + random(14)).withBody(body).build();
        }
    }

    private Answer handle(String method, String path, Map<String, List<String>> params) {
        if (path.equals("/v1/payment_intents") && method.equals("POST")) {
            return createIntent(params);
        }
        if (path.equals("/v1/refunds") && method.equals("POST")) {
            return createRefund(params);
        }
        if (path.equals("/v1/balance_transactions") && method.equals("GET")) {
            ObjectNode page = ledger.list(params, intents, refunds, paymentEvents);
            return page == null ? errorAnswer(400, "invalid_request_error", "resource_missing", "starting_after",
                    "No such balance transaction: '" + first(params, "starting_after", "") + "'") : new Answer(200, page.toString(), true);
        }
        Matcher intent = INTENT.matcher(path);
        if (intent.matches()) {
            ObjectNode known = intents.get(intent.group(1));
            if (known == null) {
                return errorAnswer(404, "invalid_request_error", "resource_missing", "intent",
                        "No such payment_intent: '" + intent.group(1) + "'");
            }
            if (intent.group(2) == null && method.equals("GET")) {
                return new Answer(200, known.toString(), true);
            }
            if (intent.group(2) != null && method.equals("POST")) {
                synchronized (known) {
                    String status = known.path("status").asText();
                    if (status.equals("succeeded") || status.equals("canceled")) {
                        return errorAnswer(400, "invalid_request_error", "payment_intent_unexpected_state", null,
                                "You cannot cancel this PaymentIntent because it has a status of " + status + ".");
                    }
                    known.put("status", "canceled").put("canceled_at", Instant.now().getEpochSecond())
                            .put("cancellation_reason", first(params, "cancellation_reason", "requested_by_customer"));
                    return new Answer(200, known.toString(), true);
                }
            }
        }
        return errorAnswer(404, "invalid_request_error", null, null, "Unrecognized request URL (" + method + ": " + path + ").");
    }

    private Answer createIntent(Map<String, List<String>> params) {
        String amountText = first(params, "amount", null);
        if (amountText == null) {
            return errorAnswer(400, "invalid_request_error", "parameter_missing", "amount", "Missing required param: amount.");
        }
        if (!amountText.matches("[0-9]{1,12}") || Long.parseLong(amountText) < 1) {
            return errorAnswer(400, "invalid_request_error", "parameter_invalid_integer", "amount",
                    "Invalid integer: " + amountText);
        }
        String currency = first(params, "currency", "");
        if (!currency.matches("[a-z]{3}")) {
            return errorAnswer(400, "invalid_request_error", "parameter_invalid_string", "currency",
                    "Invalid currency: " + currency + ". Stripe currently supports these currencies: usd, eur, cny, jpy, ...");
        }
        String id = "pi_" + random(24);
        ObjectNode intent = json.createObjectNode().put("id", id).put("object", "payment_intent")
                .put("amount", Long.parseLong(amountText)).put("amount_capturable", 0).put("amount_received", 0)
                .put("capture_method", "automatic").put("client_secret", id + "_secret_" + random(25))
                .put("confirmation_method", "automatic").put("created", Instant.now().getEpochSecond())
                .put("currency", currency).put("description", first(params, "description", null)).put("livemode", false)
                .put("status", "requires_payment_method");
        intent.putNull("latest_charge");
        intent.set("metadata", metadata(params));
        intent.set("payment_method_types", json.valueToTree(params.getOrDefault("payment_method_types[]", List.of("card"))));
        intents.put(id, intent);
        return new Answer(200, intent.toString(), true);
    }

    private Answer createRefund(Map<String, List<String>> params) {
        String piId = first(params, "payment_intent", null);
        ObjectNode intent = piId == null ? null : intents.get(piId);
        if (intent == null) {
            return errorAnswer(400, "invalid_request_error", "resource_missing", "payment_intent",
                    "No such payment_intent: '" + piId + "'");
        }
        long refundable;
        long amount;
        synchronized (intent) {
            if (!intent.path("status").asText().equals("succeeded")) {
                return errorAnswer(400, "invalid_request_error", "charge_not_refundable", "payment_intent",
                        "This PaymentIntent does not have a successful charge to refund.");
            }
            long already = refunds.values().stream().filter(r -> r.path("payment_intent").asText().equals(piId))
                    .mapToLong(r -> r.path("amount").asLong()).sum();
            refundable = intent.path("amount_received").asLong() - already;
            String amountText = first(params, "amount", String.valueOf(refundable));
            if (!amountText.matches("[0-9]{1,12}")) {
                return errorAnswer(400, "invalid_request_error", "parameter_invalid_integer", "amount", "Invalid integer: " + amountText);
            }
            amount = Long.parseLong(amountText);
            if (amount < 1 || amount > refundable) {
                return errorAnswer(400, "invalid_request_error", "amount_too_large", "amount", "Refund amount ("
                        + amount + ") is greater than unrefunded amount on charge (" + refundable + ")");
            }
            String id = "re_" + random(24);
            ObjectNode refund = json.createObjectNode().put("id", id).put("object", "refund").put("amount", amount)
                    .put("charge", intent.path("latest_charge").asText()).put("created", Instant.now().getEpochSecond())
                    .put("currency", intent.path("currency").asText()).put("payment_intent", piId).put("status", "succeeded");
            refund.putNull("reason");
            refund.set("metadata", metadata(params));
            refunds.put(id, refund);
            String body = refund.toString();
            // Stripe answers first and delivers the events afterwards
            ObjectNode refunded = event("refund.created", refund.deepCopy());
            ObjectNode charged = event("charge.refunded", charge(intent, amount));
            deliveries.schedule(() -> {
                sendEvent(refunded);
                sendEvent(charged);
            }, eventDelay.toMillis(), TimeUnit.MILLISECONDS);
            return new Answer(200, body, true);
        }
    }

    /**
     * The customer pays: the PaymentIntent succeeds and the hub gets a signed event (synchronously, reported back).
     * Paying a paid PaymentIntent again takes no second charge: the hub gets the same event again.
     */
    private ResponseDefinition pay(String referenceOrId, boolean notify) {
        ObjectNode intent = intents.get(referenceOrId);
        if (intent == null) {
            intent = intents.values().stream()
                    .filter(i -> referenceOrId.equals(i.path("metadata").path("crm_payment_reference").asText()))
                    .reduce((a, b) -> b).orElse(null);
        }
        if (intent == null) {
            return plain(404, "no PaymentIntent " + referenceOrId);
        }
        ObjectNode known = intent;
        ObjectNode succeeded = store.change(() -> paid(known));
        if (succeeded == null) {
            return plain(409, "PaymentIntent " + intent.path("id").asText() + " is canceled");
        }
        ObjectNode report = json.createObjectNode().put("payment_intent", intent.path("id").asText());
        if (!notify) {
            return jsonResponse(report.put("notified", false));
        }
        int status = sendEvent(succeeded);
        return jsonResponse(report.put("notified", webhookUrl).put("hubAnswered", status));
    }

    /**
     * The {@code payment_intent.succeeded} event of a PaymentIntent paid now or before, or null when it is canceled.
     * The first payment gives it its one charge and its one event; a later one finds them.
     */
    private ObjectNode paid(ObjectNode intent) {
        synchronized (intent) {
            String status = intent.path("status").asText();
            if (status.equals("canceled")) {
                return null;
            }
            if (!status.equals("succeeded")) {
                intent.put("status", "succeeded").put("amount_received", intent.path("amount").asLong())
                        .put("latest_charge", "ch_" + random(24));
            }
            return paymentEvents.computeIfAbsent(intent.path("id").asText(), id -> event("payment_intent.succeeded", intent.deepCopy()))
                    .deepCopy();
        }
    }

    private ObjectNode charge(ObjectNode intent, long refunded) {
        ObjectNode charge = json.createObjectNode().put("id", intent.path("latest_charge").asText()).put("object", "charge")
                .put("amount", intent.path("amount_received").asLong()).put("amount_refunded", refunded)
                .put("currency", intent.path("currency").asText()).put("payment_intent", intent.path("id").asText())
                .put("refunded", refunded >= intent.path("amount_received").asLong()).put("status", "succeeded");
        charge.set("metadata", intent.path("metadata").deepCopy());
        return charge;
    }

    /** A new event about {@code object} (a snapshot of it as it is now). */
    private ObjectNode event(String type, ObjectNode object) {
        ObjectNode event = json.createObjectNode().put("id", "evt_" + random(24)).put("object", "event")
                .put("api_version", "2024-06-20").put("created", Instant.now().getEpochSecond()).put("livemode", false)
                .put("pending_webhooks", 1).put("type", type);
        event.set("data", json.createObjectNode().set("object", object));
        return event;
    }

    /** Sends one event to the hub, signed as Stripe signs: {@code t=<now>,v1=hex(HMAC-SHA256(whsec, t.payload))}. */
    private int sendEvent(ObjectNode event) {
        String type = event.path("type").asText();
        String target = webhookUrl;
        if (target == null) {
            delivered.add(type + " (no webhook URL configured)");
            return 0;
        }
        String payload = event.toString();
        long t = Instant.now().getEpochSecond();
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json; charset=utf-8").header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                    .header("Stripe-Signature", "t=" + t + ",v1=" + signature(webhookSecret, t, payload))
                    .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
            delivered.add(type + " " + event.path("id").asText() + " -> " + answer.statusCode());
            return answer.statusCode();
        } catch (Exception e) {
            delivered.add(type + " " + event.path("id").asText() + " -> " + e.getClass().getSimpleName());
            return 0;
        }
    }

    /** Stripe's v1 scheme, written here independently of the connector: lower-case hex of HMAC-SHA256. */
    static String signature(String secret, long timestamp, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((timestamp + "." + payload).getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode metadata(Map<String, List<String>> params) {
        ObjectNode metadata = json.createObjectNode();
        params.forEach((k, v) -> {
            if (k.startsWith("metadata[") && k.endsWith("]")) {
                metadata.put(k.substring(9, k.length() - 1), v.get(v.size() - 1));
            }
        });
        return metadata;
    }

    private static Map<String, List<String>> form(String body) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return params;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return params;
    }

    private static String first(Map<String, List<String>> params, String name, String otherwise) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? otherwise : values.get(0);
    }

    private Answer errorAnswer(int status, String type, String code, String param, String message) {
        ObjectNode error = json.createObjectNode().put("type", type).put("message", message);
        if (code != null) {
            error.put("code", code).put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        }
        if (param != null) {
            error.put("param", param);
        }
        // a request that failed validation never started executing: Stripe does not store it under its idempotency key
        return new Answer(status, json.createObjectNode().set("error", error).toString(), status != 400 || code == null
                || !(code.startsWith("parameter_")));
    }

    private ResponseDefinition error(int status, String type, String code, String param, String message) {
        return errorAnswer(status, type, code, param, message).toDefinition();
    }

    private static ResponseDefinition plain(int status, String body) {
        return new ResponseDefinitionBuilder().withStatus(status).withBody(body).build();
    }

    private static ResponseDefinition jsonResponse(ObjectNode body) {
        return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(body.toString()).build();
    }

    private static String mask(String key) {
        return key.length() <= 8 ? "****" : key.substring(0, Math.min(8, key.length())) + "****" + key.substring(key.length() - 4);
    }

    static String random(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }
}
