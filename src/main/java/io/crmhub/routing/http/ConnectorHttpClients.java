package io.crmhub.routing.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.ConnectorGuards;
import io.crmhub.routing.ConnectorRateLimiter;
import java.time.Clock;
import org.springframework.stereotype.Component;

/** Makes each connector its {@link ConnectorHttpClient} from the connector's own settings. */
@Component
public class ConnectorHttpClients {
    private final ConnectorGuards guards;
    private final ConnectorRateLimiter rateLimiter;
    private final ObjectMapper json;
    private final Clock clock;

    public ConnectorHttpClients(ConnectorGuards guards, ConnectorRateLimiter rateLimiter, ObjectMapper json, Clock clock) {
        this.guards = guards;
        this.rateLimiter = rateLimiter;
        this.json = json;
        this.clock = clock;
    }

    /**
     * @param connector the connector's name ({@code erp-sap}): its breaker, rate-limit counters and metrics tag
     * @param settings  its properties record: timeouts, breaker overrides, rate limit
     * @param errors    how its provider reports errors
     */
    public ConnectorHttpClient create(String connector, ConnectorHttpSettings settings, ProviderErrors errors) {
        guards.register(connector, settings.breaker());
        return new ConnectorHttpClient(connector, settings, errors, guards, rateLimiter, json, clock);
    }
}
