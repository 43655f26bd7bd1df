package io.crmhub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.TestDatabases;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

/**
 * What an engineer watches: health components with connector breaker and outbox, and per-route/connector metrics.
 * (Spring Boot tests switch metrics export off unless asked, hence {@code @AutoConfigureObservability}.)
 */
@AutoConfigureObservability
class HealthAndMetricsIT extends HubIntegrationTest {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabases.own(registry, "metrics");
    }

    @Test
    void healthShowsBrokerDatabaseConnectorBreakerAndOutbox() {
        JsonNode health = json(call("engineer", HttpMethod.GET, "/actuator/health", null));
        JsonNode components = health.path("components");
        assertThat(components.path("db").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("jms").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("erpSap").path("details").path("circuitBreaker").asText()).isEqualTo("CLOSED");
        assertThat(components.path("outbox").path("details").has("lagSeconds")).isTrue();
        assertThat(components.path("outbox").path("details").has("backlog")).isTrue();
    }

    @Test
    void prometheusHasPerRouteAndPerConnectorMetrics() {
        long id = createCustomer("Metrics Co " + System.nanoTime(), uniquePhone(), "CN");
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ?").param(id).query(Long.class).single() == 1);
        String metrics = call("engineer", HttpMethod.GET, "/actuator/prometheus", null).getBody();
        assertThat(metrics)
                .contains("crmhub_outbox_lag_seconds")
                .contains("crmhub_outbox_backlog")
                .contains("crmhub_flow_backlog{queue=\"crm-to-erp.customer-upsert\"")
                .contains("crmhub_connector_call_seconds_bucket{connector=\"erp-sap\"")
                .contains("crmhub_connector_breaker_open{connector=\"erp-sap\"")
                .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"crm-to-erp.customer-upsert\"");
        assertThat(call("sales", HttpMethod.GET, "/actuator/prometheus", null).getStatusCode().value()).isEqualTo(403);
    }
}
