package io.crmhub.routing.http;

/**
 * A provider's error-envelope decoding, the one place a connector refines the {@link HttpOutcomes table}: it reads
 * the provider's error (Kingdee's {@code IsSuccess:false} in HTTP 200, OData's {@code error.message.value}, Stripe's
 * {@code error.type}, ...) from an answer and may map the provider's code to a {@link ProviderError.Verdict}. It does
 * not classify statuses, I/O failures or Retry-After: the client does, for every connector alike.
 */
@FunctionalInterface
public interface ProviderErrors {

    /** No envelope to read: the status alone decides, the body's start is the reason. */
    ProviderErrors NONE = answer -> null;

    /**
     * @return the provider's error in {@code answer}, or null when it reports none (a 2xx answer is then a success);
     *         must not throw: an error body may be anything (a proxy's HTML page)
     */
    ProviderError read(HttpAnswer answer);
}
