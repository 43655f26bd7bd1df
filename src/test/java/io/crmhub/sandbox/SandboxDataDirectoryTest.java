package io.crmhub.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmhub.sandbox.SandboxCalls.SapSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The local run's sandboxes keep their records under {@code <crmhub.data-dir>/sandbox}, beside the hub's own data. */
class SandboxDataDirectoryTest {
    @TempDir
    Path dataDir;

    @Test
    void aRestartedLocalRunsSapSandboxHoldsThePartnersOfTheRunBefore() throws Exception {
        String partner;
        SpringApplication first = new SpringApplication();
        StandardEnvironment env = localRun(first);
        try {
            SapSession sap = SapSession.open(server(env), ProviderSandboxes.LOCAL_USER, ProviderSandboxes.LOCAL_PASSWORD);
            partner = sap.createPartner("CRM-C-0000000001", "ACME Trading");
        } finally {
            SandboxCalls.stopSandboxes(first);
        }
        assertThat(dataDir.resolve("sandbox/sap.json")).exists();
        assertThat(Files.readString(dataDir.resolve("sandbox/sap.json"))).contains("CRM-C-0000000001");

        SpringApplication second = new SpringApplication();
        env = localRun(second);
        try {
            SapSession sap = SapSession.open(server(env), ProviderSandboxes.LOCAL_USER, ProviderSandboxes.LOCAL_PASSWORD);
            assertThat(sap.get(SapBusinessPartnerSandbox.SERVICE_PATH + "A_BusinessPartner('" + partner + "')").path("OrganizationBPName1").asText())
                    .isEqualTo("ACME Trading");
            assertThat(Long.parseLong(sap.createPartner("CRM-C-0000000002", "Other Co"))).isEqualTo(Long.parseLong(partner) + 1);
        } finally {
            SandboxCalls.stopSandboxes(second);
        }
    }

    /** Only SAP is left unconfigured, so only its sandbox starts (on any free port). */
    private StandardEnvironment localRun(SpringApplication application) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                "crmhub.sandbox.enabled", "true", "crmhub.sandbox.sap-port", "0", "crmhub.sandbox.sap-invoice-after-seconds", "3600",
                "crmhub.data-dir", dataDir.toString(),
                "crmhub.connectors.payment-wechatpay.merchant-id", "x", "crmhub.connectors.payment-alipay.app-id", "x",
                "crmhub.connectors.payment-stripe.secret-key", "x")));
        new SandboxEnvironmentPostProcessor().postProcessEnvironment(env, application);
        return env;
    }

    private static String server(StandardEnvironment env) {
        String base = env.getProperty("crmhub.connectors.erp-sap.base-url");
        assertThat(base).startsWith("http://127.0.0.1:");
        return base;
    }
}
