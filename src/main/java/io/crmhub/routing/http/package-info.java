/** The one HTTP client every connector uses: timeouts, rate limit, breaker, correlation id, one outcome table. */
@NamedInterface("http")
package io.crmhub.routing.http;

import org.springframework.modulith.NamedInterface;
