package io.crmhub.routing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A provider's webhook, contributed by its connector as a bean: where it is served ({@link Endpoint}: category,
 * provider, optionally an account segment), what its body is, where its events go, its exact acknowledgement, an
 * optional GET handshake, and its OpenAPI description. The ingress ({@code /webhooks/<category>/<provider>}) finds
 * every such bean; nothing central lists providers.
 *
 * <p>{@link #verify} checks the notification on the raw bytes (signature, timestamp window, key) before anything is
 * parsed, decrypts it where the provider encrypts, and turns it into a canonical record. Anything that does not
 * verify is refused with a {@link NotificationRefusedException} naming why; it must have no effect.
 *
 * @param <T> the canonical record the events carry, e.g. {@code PaymentNotification}
 */
public interface WebhookVerifier<T> {

    /** Read once at start-up. */
    Endpoint endpoint();

    Verified<T> verify(Request request);

    /** For providers that sign headers and body only (and for tests): a request without account or query. */
    default Verified<T> verify(Map<String, String> headers, byte[] rawBody) {
        return verify(new Request(null, headers, null, rawBody));
    }

    /**
     * For an endpoint {@linkplain Endpoint#perAccount() per account}: whether it serves this account (answered 404
     * otherwise, before the body is read). Called for every request, so a set lookup, not a query.
     */
    default boolean servesAccount(String account) {
        return true;
    }

    /**
     * The GET handshake of an endpoint that declares one ({@link Endpoint#handshake(Documentation)}): verify the signed
     * challenge in the request (query parameters as a rule) and answer what the provider expects, usually the challenge
     * echoed (WeChat's and Weibo's {@code echostr}; WeCom's decrypted). Refuse with {@link NotificationRefusedException}.
     */
    default Acknowledgement handshake(Request request) {
        throw new UnsupportedOperationException(getClass().getName() + " declares no handshake");
    }

    /** The body as the provider sends it; verification is always on the raw bytes, this says what they are. */
    enum BodyFormat {
        JSON("application/json"), FORM("application/x-www-form-urlencoded"), XML("application/xml");

        private final String mediaType;

        BodyFormat(String mediaType) {
            this.mediaType = mediaType;
        }

        public String mediaType() {
            return mediaType;
        }
    }

    /**
     * Where and how a provider's webhook is served. Build it with {@link #at} and the {@code with…} steps; the ingress
     * checks it at start-up (segments, a route for the events, a description).
     *
     * @param category     the first path segment: {@code payments}, {@code esign}, {@code social}, …
     * @param provider     the second: {@code wechatpay}; also the first half of the inbox key (provider, event id), so
     *                     unique across categories
     * @param perAccount   served at {@code /webhooks/<category>/<provider>/{account}} (one hub, several accounts of
     *                     the provider), the account passed in {@link Request#account()}
     * @param aggregate    the aggregate its events are grouped by ({@code payment}, {@code contract}, …)
     * @param address      the Artemis address its events are published to ({@code crm.payment.notified})
     * @param ack          the exact answer to a stored (or already stored) notification
     * @param notification the OpenAPI description of the POST
     * @param handshakeDoc the OpenAPI description of the GET handshake; null when there is none (GET is then 405)
     */
    record Endpoint(String category, String provider, boolean perAccount, BodyFormat format, String aggregate, String address,
                    Acknowledgement ack, Documentation notification, Documentation handshakeDoc) {

        /** JSON, answered 204, not per account, no handshake, until said otherwise. */
        public static Endpoint at(String category, String provider) {
            return new Endpoint(category, provider, false, BodyFormat.JSON, null, null, Acknowledgement.NO_CONTENT, null, null);
        }

        /** Served at {@code /webhooks/<category>/<provider>/{account}}. */
        public Endpoint withAccountSegment() {
            return new Endpoint(category, provider, true, format, aggregate, address, ack, notification, handshakeDoc);
        }

        public Endpoint body(BodyFormat format) {
            return new Endpoint(category, provider, perAccount, format, aggregate, address, ack, notification, handshakeDoc);
        }

        public Endpoint events(String aggregate, String address) {
            return new Endpoint(category, provider, perAccount, format, aggregate, address, ack, notification, handshakeDoc);
        }

        public Endpoint acknowledgedWith(Acknowledgement ack) {
            return new Endpoint(category, provider, perAccount, format, aggregate, address, ack, notification, handshakeDoc);
        }

        public Endpoint documented(Documentation notification) {
            return new Endpoint(category, provider, perAccount, format, aggregate, address, ack, notification, handshakeDoc);
        }

        /** Declares the GET handshake ({@link WebhookVerifier#handshake(Request)}) and how it is documented. */
        public Endpoint handshake(Documentation handshakeDoc) {
            return new Endpoint(category, provider, perAccount, format, aggregate, address, ack, notification, handshakeDoc);
        }

        public boolean hasHandshake() {
            return handshakeDoc != null;
        }
    }

    /**
     * What the provider must get back: WeChat Pay 204, Alipay exactly {@code success} as plain text, Stripe any 2xx.
     * The same answer is given to copies already accepted.
     *
     * @param body null for none
     */
    record Acknowledgement(int status, String contentType, String body) {
        public static final Acknowledgement NO_CONTENT = new Acknowledgement(204, null, null);

        public static Acknowledgement text(String body) {
            return new Acknowledgement(200, "text/plain;charset=UTF-8", body);
        }
    }

    /**
     * One request as the ingress read it: nothing parsed.
     *
     * @param account the account segment of a per-account endpoint, else null
     * @param headers request headers, names lower-case
     * @param query   the raw query string, or null (the body is never read as parameters)
     * @param body    the raw body; empty for a GET
     */
    record Request(String account, Map<String, String> headers, String query, byte[] body) {
        public String header(String lowerCaseName) {
            return headers.get(lowerCaseName);
        }

        /** The first value of a query parameter, decoded as UTF-8; null when absent. */
        public String queryParameter(String name) {
            if (query == null) {
                return null;
            }
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (key.equals(name)) {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    }

    /** A verified notification: the provider's event id (the inbox key), its type, our business key, the content. */
    record Verified<T>(String eventId, String eventType, String businessKey, T content) {
    }

    /**
     * How the ingress documents an endpoint in the OpenAPI description (it adds the answers all webhooks share).
     *
     * @param headers    the signature headers, all required
     * @param query      query parameters (a handshake's challenge, a signature sent in the URL), all required
     * @param bodyFields the body's fields worth naming (a form's), or empty
     * @param example    the example request body of a notification, or the example answer of a handshake
     */
    record Documentation(String summary, String description, List<Field> headers, List<Field> query, List<Field> bodyFields,
                         String example) {
        public Documentation {
            headers = List.copyOf(headers);
            query = List.copyOf(query);
            bodyFields = List.copyOf(bodyFields);
        }

        public static Documentation of(String summary, String description, String example) {
            return new Documentation(summary, description, List.of(), List.of(), List.of(), example);
        }

        public Documentation headers(Field... fields) {
            return new Documentation(summary, description, List.of(fields), query, bodyFields, example);
        }

        public Documentation query(Field... fields) {
            return new Documentation(summary, description, headers, List.of(fields), bodyFields, example);
        }

        public Documentation bodyFields(Field... fields) {
            return new Documentation(summary, description, headers, query, List.of(fields), example);
        }
    }

    record Field(String name, String description) {
    }
}
