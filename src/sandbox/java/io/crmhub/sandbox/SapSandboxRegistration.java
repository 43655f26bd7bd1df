package io.crmhub.sandbox;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The local run's SAP S/4HANA, when no {@code crmhub.connectors.erp-sap.base-url} is configured. */
public final class SapSandboxRegistration implements ProviderSandbox {
    @Override
    public String connector() {
        return "erp-sap";
    }

    @Override
    public String title() {
        return "SAP S/4HANA";
    }

    @Override
    public String portProperty() {
        return "crmhub.sandbox.sap-port";
    }

    @Override
    public int defaultPort() {
        return 18181;
    }

    @Override
    public String configuredBy() {
        return "base-url";
    }

    @Override
    public Started start(LocalRun run) {
        SapSandboxServer sap = SapSandboxServer.start(run.port(), ProviderSandboxes.LOCAL_USER, ProviderSandboxes.LOCAL_PASSWORD,
                run.recordsDir());
        // finance "invoices" each new sales order a little later, so the tour shows order → ERP order → invoice
        sap.sap().invoiceAfter(Duration.ofSeconds(run.environment().getProperty("crmhub.sandbox.sap-invoice-after-seconds", Long.class, 5L)));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("crmhub.connectors.erp-sap.base-url", sap.baseUrl());
        properties.put("crmhub.connectors.erp-sap.username", ProviderSandboxes.LOCAL_USER);
        properties.put("crmhub.connectors.erp-sap.password", ProviderSandboxes.LOCAL_PASSWORD);
        // the sandbox's pricing procedure takes tax-inclusive prices through its customer condition, as an installation's would
        properties.put("crmhub.connectors.erp-sap.gross-price-condition", SapBusinessPartnerSandbox.GROSS_PRICE_CONDITION);
        return new Started(sap.baseUrl(), properties, "", sap);
    }
}
