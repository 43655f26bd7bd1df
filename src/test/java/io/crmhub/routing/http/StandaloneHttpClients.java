package io.crmhub.routing.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.BreakerProperties;
import io.crmhub.routing.ConnectorGuards;
import io.crmhub.routing.ConnectorRateLimiter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;

/** Connector HTTP clients without a hub, for tests of one connector: default breakers, no database (no rate limits). */
public final class StandaloneHttpClients {
    public static final BreakerProperties.Settings BREAKER = new BreakerProperties.Settings(50, 10, 5, Duration.ofSeconds(30), 1);

    private StandaloneHttpClients() {
    }

    public static ConnectorHttpClients create() {
        return create(Clock.systemUTC());
    }

    public static ConnectorHttpClients create(Clock clock) {
        return new ConnectorHttpClients(new ConnectorGuards(new BreakerProperties(BREAKER), new SimpleMeterRegistry()),
                new ConnectorRateLimiter(null, clock), new ObjectMapper(), clock);
    }
}
