package io.crmhub.support;

import io.crmhub.sandbox.ProviderSandboxes;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Implemented by a {@link HubIntegrationTest} that runs the hub with Kingdee K/3 Cloud as the installation's ERP. The
 * only difference from the SAP hub is configuration ({@code crmhub.erp.provider=kingdee} and the Kingdee connection);
 * the flows are the same files. Every class implementing this shares one Spring context (the same dynamic property
 * methods) with a database of its own.
 */
public interface KingdeeHub {

    @DynamicPropertySource
    static void kingdee(DynamicPropertyRegistry registry) {
        TestDatabases.own(registry, "kingdee");
        registry.add("crmhub.erp.provider", () -> "kingdee");
        KingdeeTestServer.get().hubProperties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("crmhub.invoices.initial-delay", () -> "1h"); // invoice tests poll when they mean to
        registry.add("crmhub.orders.erp-status-initial-delay", () -> "1h"); // and read the ERP's order progress so too
    }

    @BeforeEach
    default void resetKingdeeFaults() {
        KingdeeTestServer.wireMock().resetScenarios();
        ProviderSandboxes.removePlantedStubs(KingdeeTestServer.wireMock());
    }
}
