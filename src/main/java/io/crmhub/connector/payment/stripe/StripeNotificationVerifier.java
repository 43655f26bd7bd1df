package io.crmhub.connector.payment.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.routing.ConnectorException;
import io.crmhub.routing.NotificationRefusedException;
import io.crmhub.routing.WebhookVerifier;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stripe webhook events (providers.md §1.3): {@code Stripe-Signature} checked on the raw bytes against every
 * configured signing secret and every {@code v1} (several during a secret rotation), constant-time; {@code t} must be
 * within the replay window in <em>both</em> directions (stripe-java accepts future timestamps). Then the event:
 * {@code payment_intent.succeeded} is a payment of our reference ({@code metadata.crm_payment_reference}, else the
 * PaymentIntent id, which no payment has as reference, so it is parked for review); a Refund
 * object ({@code refund.created}, {@code refund.updated}, {@code charge.refund.updated}) with status
 * {@code succeeded} is a refund; anything else is acknowledged and needs no change. Amounts arrive in Stripe's minor
 * units and leave as exact major units.
 */
public class StripeNotificationVerifier implements WebhookVerifier<PaymentNotification> {
    public static final String PROVIDER = "stripe";
    /** The metadata key under which the hub gives Stripe its payment reference (and reads it back). */
    public static final String PAYMENT_REFERENCE = "crm_payment_reference";
    public static final String REFUND_REFERENCE = "crm_refund_reference";
    static final Set<String> REFUND_EVENTS = Set.of("refund.created", "refund.updated", "charge.refund.updated");
    /**
     * Served at {@code /webhooks/payments/stripe}; any 2xx tells Stripe the event arrived, a small JSON body is what
     * Stripe's own examples answer.
     */
    static final Endpoint ENDPOINT = Endpoint.at("payments", PROVIDER)
            .events(PaymentNotification.AGGREGATE, PaymentNotification.ADDRESS)
            .acknowledgedWith(new Acknowledgement(200, "application/json", "{\"received\":true}"))
            .documented(Documentation.of("Stripe: a signed event (payment_intent.succeeded, charge.refunded, …)",
                    "`Stripe-Signature` is `t=<unix seconds>,v1=<HMAC-SHA256 of t.body with the endpoint's signing secret>`; "
                            + "answered 200.",
                    """
                    {"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event","type":"payment_intent.succeeded","created":1772352120,\
                    "data":{"object":{"id":"pi_3Nx","object":"payment_intent","amount_received":17600,"currency":"cny",\
                    "metadata":{"crm_payment_reference":"SO-0000000003-P1"}}}}""")
                    .headers(new Field("Stripe-Signature", "`t=1772352120,v1=5257a869e7…` (several v1 while a secret rolls)")));
    private static final Logger log = LoggerFactory.getLogger(StripeNotificationVerifier.class);

    private final StripeProperties properties;
    private final StripeKeys keys;
    private final ObjectMapper json;
    private final Clock clock;

    public StripeNotificationVerifier(StripeProperties properties, StripeKeys keys, ObjectMapper json, Clock clock) {
        this.properties = properties;
        this.keys = keys;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public Endpoint endpoint() {
        return ENDPOINT;
    }

    @Override
    public Verified<PaymentNotification> verify(Request request) {
        byte[] rawBody = request.body();
        StripeSignatures.Header header = StripeSignatures.parse(request.header("stripe-signature"));
        Duration skew = Duration.between(Instant.ofEpochSecond(header.timestamp()), clock.instant());
        if (skew.abs().compareTo(properties.replayWindow()) > 0) {
            throw new NotificationRefusedException("Stripe-Signature t is " + skew.abs().toSeconds() + " s "
                    + (skew.isNegative() ? "in the future" : "old") + " (window " + properties.replayWindow().toSeconds() + " s)");
        }
        boolean verified = false;
        for (String secret : keys.webhookSecrets()) {
            verified |= StripeSignatures.matches(secret, header.timestamp(), rawBody, header.v1());
        }
        if (!verified) {
            throw new NotificationRefusedException("no v1 signature verifies with the " + keys.webhookSecrets().size()
                    + " configured webhook secret(s)");
        }
        JsonNode event = parse(rawBody);
        String eventId = event.path("id").asText("");
        String type = event.path("type").asText("");
        if (eventId.isBlank() || type.isBlank() || !event.path("data").path("object").isObject()) {
            throw new NotificationRefusedException("not a Stripe event (id, type and data.object are required)");
        }
        PaymentNotification notification = toCanonical(eventId, type, event);
        // the business key orders events per payment; an event about something else is keyed by its object's id
        String key = notification.paymentReference() != null ? notification.paymentReference()
                : notification.providerTransactionId() != null ? notification.providerTransactionId() : eventId;
        return new Verified<>(eventId, type, key, notification);
    }

    private PaymentNotification toCanonical(String eventId, String type, JsonNode event) {
        JsonNode object = event.path("data").path("object");
        Instant created = event.path("created").canConvertToLong() && event.path("created").asLong() > 0
                ? Instant.ofEpochSecond(event.path("created").asLong()) : null;
        String currency = object.path("currency").asText("").toUpperCase(Locale.ROOT);
        String status = object.path("status").asText(null);
        String reference = text(object.path("metadata").path(PAYMENT_REFERENCE));
        PaymentNotification.Kind kind = PaymentNotification.Kind.OTHER;
        long minor = 0;
        String transaction = text(object.path("id"));
        if (type.equals("payment_intent.succeeded") && "payment_intent".equals(object.path("object").asText())) {
            kind = PaymentNotification.Kind.PAYMENT_SUCCEEDED;
            minor = object.path("amount_received").asLong();
            // a PaymentIntent not created by the hub carries no reference of ours: parked for review under its id
            reference = reference != null ? reference : transaction;
        } else if (REFUND_EVENTS.contains(type) && "refund".equals(object.path("object").asText()) && "succeeded".equals(status)) {
            kind = PaymentNotification.Kind.REFUND_SUCCEEDED;
            minor = object.path("amount").asLong();
            // a refund made in Stripe's dashboard carries no reference of ours: the recorder finds it by PaymentIntent id
            reference = reference != null ? reference : text(object.path("payment_intent"));
        }
        BigDecimal amount = null;
        if (kind != PaymentNotification.Kind.OTHER) {
            try {
                amount = StripeAmounts.major(minor, currency);
            } catch (ConnectorException | IllegalArgumentException e) {
                log.warn("Stripe event {} ({}) in currency '{}' cannot be converted exactly: {}; treated as needing no change",
                        eventId, type, currency, e.getMessage());
                kind = PaymentNotification.Kind.OTHER;
            }
        }
        return new PaymentNotification(PROVIDER, eventId, kind, reference, transaction, amount,
                currency.isEmpty() ? null : currency, created, status);
    }

    private JsonNode parse(byte[] bytes) {
        try {
            JsonNode node = json.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new NotificationRefusedException("body is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new NotificationRefusedException("body is not JSON");
        }
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }
}
