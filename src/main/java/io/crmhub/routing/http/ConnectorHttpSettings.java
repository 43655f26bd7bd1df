package io.crmhub.routing.http;

import io.crmhub.routing.BreakerProperties;
import io.crmhub.routing.RateLimit;
import java.time.Duration;

/**
 * What a connector's own properties record carries for its HTTP client, under {@code crmhub.connectors.<connector>.*}:
 * {@code connect-timeout}, {@code read-timeout}, {@code breaker.*} (overrides of {@code crmhub.breaker.defaults}) and
 * {@code rate-limit.*}. A record implements this by having these components; a new provider edits no central class.
 */
public interface ConnectorHttpSettings {

    /** Longest wait for the TCP (and TLS) connection. */
    Duration connectTimeout();

    /** Longest wait for the whole answer of one request. */
    Duration readTimeout();

    /** What differs from the breaker defaults; null: nothing. */
    BreakerProperties.ConnectorOverride breaker();

    /** The provider's rate limit; null: not limited. */
    RateLimit rateLimit();
}
