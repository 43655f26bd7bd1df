package io.crmhub.support;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole hub with Kingdee K/3 Cloud as the installation's ERP: the only difference from the SAP hub is
 * configuration ({@code crmhub.erp.provider=kingdee} and the Kingdee connection), the flows are the same files.
 * Every Kingdee test class extends this one, so they share one Spring context (and one database of their own).
 */
public abstract class KingdeeHubIntegrationTest extends HubIntegrationTest {

    @DynamicPropertySource
    static void kingdee(DynamicPropertyRegistry registry) {
        TestDatabases.own(registry, "kingdee");
        registry.add("crmhub.erp.provider", () -> "kingdee");
        KingdeeTestServer.get().hubProperties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("crmhub.connectors.erp-kingdee.username", () -> KingdeeTestServer.USER);
        registry.add("crmhub.invoices.initial-delay", () -> "1h"); // invoice tests poll when they mean to
    }

    @BeforeEach
    void resetKingdeeFaults() {
        KingdeeTestServer.wireMock().resetScenarios();
        KingdeeTestServer.wireMock().getStubMappings().stream().filter(s -> s.getPriority() != null && s.getPriority() < 10)
                .forEach(s -> KingdeeTestServer.wireMock().removeStub(s));
    }
}
