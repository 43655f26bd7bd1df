package io.crmhub.sandbox;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With {@code crmhub.sandbox.enabled=true} (the local default) and no ERP URL configured, starts the SAP sandbox
 * before the connectors are configured and points the SAP connector at it. Configuring a real provider URL turns
 * the sandbox for that provider off; the prod profile refuses sandboxes altogether.
 */
public class SandboxEnvironmentPostProcessor implements EnvironmentPostProcessor {
    static final String SANDBOX_USER = "sandbox";
    static final String SANDBOX_PASSWORD = "sandbox-password";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!env.getProperty("crmhub.sandbox.enabled", Boolean.class, false)
                || env.containsProperty("crmhub.connectors.erp-sap.base-url")) {
            return;
        }
        int port = env.getProperty("crmhub.sandbox.sap-port", Integer.class, 0);
        ProviderSandboxes.SapSandboxServer sap = ProviderSandboxes.startSap(port, SANDBOX_USER, SANDBOX_PASSWORD);
        env.getPropertySources().addFirst(new MapPropertySource("crmhub-sandboxes", Map.of(
                "crmhub.connectors.erp-sap.base-url", sap.baseUrl(),
                "crmhub.connectors.erp-sap.username", SANDBOX_USER,
                "crmhub.connectors.erp-sap.password", SANDBOX_PASSWORD)));
        application.addListeners((ApplicationListener<ContextClosedEvent>) e -> sap.close());
        application.addListeners((ApplicationListener<ApplicationFailedEvent>) e -> sap.close());
        System.out.println("CRM Hub: SAP S/4HANA sandbox listening on " + sap.baseUrl());
    }
}
