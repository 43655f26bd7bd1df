package io.crmhub.routing.http;

/**
 * What a provider's error envelope says (its code and message) and, where its code says more than the HTTP status,
 * the verdict. Built by a connector's {@link ProviderErrors}.
 *
 * @param message the provider's words for the error, for the parked message's reason
 * @param verdict what the code means; null: the {@link HttpOutcomes table}'s rule for the status decides
 */
public record ProviderError(String message, Verdict verdict) {

    /** How a provider's own error code refines the table. */
    public enum Verdict {
        /** Retrying later can succeed (a "system busy" code), whatever the status. */
        TRANSIENT,
        /** Retrying cannot succeed, whatever the status. */
        PERMANENT,
        /** The provider dropped the connector's session: the connector renews it and repeats the request once. */
        SESSION_EXPIRED
    }

    /** The provider's message; the status decides (a 2xx carrying it is a refusal: permanent). */
    public static ProviderError of(String message) {
        return new ProviderError(message, null);
    }

    public static ProviderError transientError(String message) {
        return new ProviderError(message, Verdict.TRANSIENT);
    }

    public static ProviderError permanent(String message) {
        return new ProviderError(message, Verdict.PERMANENT);
    }

    public static ProviderError sessionExpired(String message) {
        return new ProviderError(message, Verdict.SESSION_EXPIRED);
    }
}
