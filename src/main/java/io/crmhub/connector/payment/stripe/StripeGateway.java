package io.crmhub.connector.payment.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.PaymentGateway;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.http.ConnectorHttpClient;
import io.crmhub.routing.http.ConnectorHttpClients;
import io.crmhub.routing.http.HttpAnswer;
import io.crmhub.routing.http.HttpOutcomes;
import io.crmhub.routing.http.ProviderError;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Stripe PaymentIntents (providers.md §1.3): form-encoded {@code POST /v1/payment_intents} with {@code Authorization:
 * Bearer sk_...}, our payment reference in {@code metadata[crm_payment_reference]} and in the {@code Idempotency-Key}
 * ({@code crmhub-payment-<reference>}), so a retried create returns the same PaymentIntent; the customer pays with its
 * {@code client_secret}. Queries, cancels and refunds address the PaymentIntent by its id ({@code pi_...}), which the
 * hub keeps as the payment's provider payment id. Amounts are integers in Stripe's minor units, never rounded.
 * Sent on the connector HTTP client; Stripe's own part is the key, the idempotency key and its {@code error} envelope.
 */
public class StripeGateway implements PaymentGateway {
    public static final String CONNECTOR = "payment-stripe";
    static final String PAYMENT_INTENTS = "/v1/payment_intents";
    static final String REFUNDS = "/v1/refunds";
    static final String BALANCE_TRANSACTIONS = "/v1/balance_transactions";

    private final StripeProperties properties;
    private final StripeKeys keys;
    private final Clock clock;
    private final ConnectorHttpClient http;

    public StripeGateway(StripeProperties properties, StripeKeys keys, ConnectorHttpClients clients, Clock clock) {
        this.properties = properties;
        this.keys = keys;
        this.clock = clock;
        this.http = clients.create(CONNECTOR, properties, StripeGateway::error);
    }

    @Override
    public String provider() {
        return StripeNotificationVerifier.PROVIDER;
    }

    @Override
    public PaymentInstructions create(PaymentRequest request) {
        Form form = new Form()
                .add("amount", String.valueOf(StripeAmounts.minor(request.amount(), request.currency())))
                .add("currency", request.currency().toLowerCase(Locale.ROOT))
                .add("description", request.description())
                .add("metadata[" + StripeNotificationVerifier.PAYMENT_REFERENCE + "]", request.reference());
        properties.paymentMethodTypes().forEach(type -> form.add("payment_method_types[]", type));
        JsonNode intent = send("POST", PAYMENT_INTENTS, form, "crmhub-payment-" + request.reference());
        String id = intent.path("id").asText("");
        String clientSecret = intent.path("client_secret").asText("");
        if (!id.startsWith("pi_") || clientSecret.isEmpty()) {
            throw new PermanentConnectorException(CONNECTOR, "Stripe answered the PaymentIntent create for " + request.reference()
                    + " without a PaymentIntent id or client_secret");
        }
        return new PaymentInstructions(null, clientSecret, id);
    }

    @Override
    public PaymentStatus query(String reference, String providerPaymentId) {
        if (providerPaymentId == null || providerPaymentId.isBlank()) {
            return new PaymentStatus("OTHER", "no PaymentIntent id known for " + reference, null);
        }
        JsonNode intent = send("GET", PAYMENT_INTENTS + "/" + encode(providerPaymentId), null, null);
        String status = intent.path("status").asText();
        String state = switch (status) {
            case "succeeded" -> "PAID";
            case "requires_payment_method", "requires_confirmation", "requires_action" -> "UNPAID";
            case "canceled" -> "CLOSED";
            default -> "OTHER"; // processing, requires_capture
        };
        PaymentNotification paid = null;
        if ("PAID".equals(state)) {
            String currency = intent.path("currency").asText().toUpperCase(Locale.ROOT);
            paid = new PaymentNotification(provider(), "query:" + intent.path("id").asText(),
                    PaymentNotification.Kind.PAYMENT_SUCCEEDED, reference, intent.path("id").asText(),
                    StripeAmounts.major(intent.path("amount_received").asLong(), currency), currency, clock.instant(), status);
        }
        return new PaymentStatus(state, status, paid);
    }

    @Override
    public void close(String reference, String providerPaymentId) {
        if (providerPaymentId == null || providerPaymentId.isBlank()) {
            throw new PermanentConnectorException(CONNECTOR, "no PaymentIntent id known for " + reference + "; cannot cancel it");
        }
        Form form = new Form().add("cancellation_reason", "abandoned");
        send("POST", PAYMENT_INTENTS + "/" + encode(providerPaymentId) + "/cancel", form, "crmhub-cancel-" + reference);
    }

    @Override
    public RefundResult refund(RefundRequest request) {
        if (request.providerPaymentId() == null || request.providerPaymentId().isBlank()) {
            throw new PermanentConnectorException(CONNECTOR, "no PaymentIntent id known for payment "
                    + request.paymentReference() + "; Stripe refunds need one");
        }
        Form form = new Form()
                .add("payment_intent", request.providerPaymentId())
                .add("amount", String.valueOf(StripeAmounts.minor(request.amount(), request.currency())))
                .add("metadata[" + StripeNotificationVerifier.PAYMENT_REFERENCE + "]", request.paymentReference())
                .add("metadata[" + StripeNotificationVerifier.REFUND_REFERENCE + "]", request.refundReference());
        JsonNode refund = send("POST", REFUNDS, form, "crmhub-refund-" + request.refundReference());
        String id = refund.path("id").asText("");
        String status = refund.path("status").asText("");
        if (!id.startsWith("re_")) {
            throw new PermanentConnectorException(CONNECTOR, "Stripe answered the refund " + request.refundReference()
                    + " without a refund id");
        }
        return switch (status) {
            case "succeeded" -> new RefundResult(id, "SUCCEEDED");
            case "pending", "requires_action" -> new RefundResult(id, "PROCESSING");
            default -> throw new PermanentConnectorException(CONNECTOR, "Stripe did not accept refund " + request.refundReference()
                    + " (" + id + "): status " + status + " " + refund.path("failure_reason").asText(""));
        };
    }

    /** A GET of {@code pathAndQuery} (the query already encoded), for lists such as the balance transactions. */
    JsonNode get(String pathAndQuery) {
        return send("GET", pathAndQuery, null, null);
    }

    private JsonNode send(String method, String path, Form form, String idempotencyKey) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(properties.baseUrl().toString().replaceAll("/$", "") + path))
                .header("Authorization", "Bearer " + keys.secretKey())
                .header("Accept", "application/json");
        if (properties.apiVersion() != null && !properties.apiVersion().isBlank()) {
            builder.header("Stripe-Version", properties.apiVersion());
        }
        if (idempotencyKey != null) {
            builder.header("Idempotency-Key", idempotencyKey);
        }
        if ("GET".equals(method)) {
            builder.GET();
        } else {
            builder.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(form == null ? "" : form.encoded(), StandardCharsets.UTF_8));
        }
        String what = method + " " + path.replaceFirst("\\?.*", ""); // the query (cursors, bounds) is not part of the operation's name
        return http.send(what, builder, answer -> {
            JsonNode body = answer.json();
            if (!body.isObject()) {
                throw HttpOutcomes.undecodable(CONNECTOR, what, answer.status(), "a JSON object", null);
            }
            return body;
        });
    }

    /**
     * Stripe errors: {@code {"error":{"type","code","decline_code","message","param"}}}. Its refinements of the table:
     * {@code Stripe-Should-Retry: true} and 409 (another request with the same idempotency key is still running;
     * retrying later gets its result) are transient.
     */
    static ProviderError error(HttpAnswer answer) {
        if (answer.status() / 100 == 2) {
            return null;
        }
        JsonNode root = answer.jsonOrNull();
        String message = answer.excerpt();
        if (root != null && root.path("error").isObject()) {
            JsonNode error = root.path("error");
            StringBuilder text = new StringBuilder(error.path("type").asText("unknown_error"));
            for (String field : List.of("code", "decline_code", "param")) {
                if (error.hasNonNull(field)) {
                    text.append(' ').append(field).append('=').append(error.path(field).asText());
                }
            }
            message = text.append(": ").append(error.path("message").asText("")).toString();
        }
        boolean shouldRetry = answer.header("Stripe-Should-Retry").map("true"::equalsIgnoreCase).orElse(false);
        return shouldRetry || answer.status() == 409 ? ProviderError.transientError(message) : ProviderError.of(message);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A form body in Stripe's bracket notation ({@code metadata[key]=value}, {@code list[]=value}), in order. */
    static final class Form {
        private final List<Map.Entry<String, String>> fields = new ArrayList<>();

        Form add(String name, String value) {
            if (value != null) {
                fields.add(Map.entry(name, value));
            }
            return this;
        }

        String encoded() {
            StringBuilder body = new StringBuilder();
            for (Map.Entry<String, String> field : fields) {
                if (!body.isEmpty()) {
                    body.append('&');
                }
                // brackets stay readable, as stripe-java sends them; everything else is percent-encoded
                body.append(encode(field.getKey()).replace("%5B", "[").replace("%5D", "]")).append('=').append(encode(field.getValue()));
            }
            return body.toString();
        }
    }
}
