package io.crmhub.routing;

import java.util.Map;

/**
 * A provider's webhook check, implemented by its connector: verifies the notification on the raw bytes (signature,
 * timestamp window, key), decrypts it where the provider encrypts, and turns it into a canonical record. Anything
 * that does not verify is refused with a {@link NotificationRefusedException} naming why; it must have no effect.
 */
public interface NotificationVerifier<T> {

    /** The {@code {provider}} path segment of {@code /webhooks/<category>/<provider>}. */
    String provider();

    /** @param headers request headers, names lower-case */
    Verified<T> verify(Map<String, String> headers, byte[] rawBody);

    /**
     * What the provider must get back for a notification it should not re-send: WeChat Pay 204, Alipay exactly
     * {@code success} as plain text, Stripe any 2xx. The same answer is given to accepted copies.
     */
    default Acknowledgement acknowledgement() {
        return Acknowledgement.NO_CONTENT;
    }

    /** @param body null for none */
    record Acknowledgement(int status, String contentType, String body) {
        public static final Acknowledgement NO_CONTENT = new Acknowledgement(204, null, null);
    }

    /** A verified notification: the provider's event id (the inbox key), its type, our business key, the content. */
    record Verified<T>(String eventId, String eventType, String businessKey, T content) {
    }
}
