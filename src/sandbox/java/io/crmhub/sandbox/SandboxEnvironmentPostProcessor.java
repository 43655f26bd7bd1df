package io.crmhub.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With {@code crmhub.sandbox.enabled=true} (the local default), starts a sandbox for each provider that is not
 * configured — SAP (no ERP URL), Kingdee (when {@code crmhub.erp.provider=kingdee} and no Kingdee URL), WeChat Pay (no merchant id), Alipay (no app id), Stripe (no secret key); keys and
 * secrets generated per run — before the connectors are
 * configured, and points the connectors at them. Configuring a real provider URL turns
 * the sandbox for that provider off; the prod profile refuses sandboxes altogether. The sandboxes keep their records
 * under {@code <crmhub.data-dir>/sandbox} (the default run's {@code ./data}, beside the hub's database), so that after a
 * restart they still hold what the hub has linked to; without a data directory (tests) they keep them in memory.
 */
public class SandboxEnvironmentPostProcessor implements EnvironmentPostProcessor {
    static final String SANDBOX_USER = "sandbox";
    static final String SANDBOX_PASSWORD = "sandbox-password";
    static final String SANDBOX_ACCT_ID = "sandbox-acct";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!env.getProperty("crmhub.sandbox.enabled", Boolean.class, false)) {
            return;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        String dataDir = env.getProperty("crmhub.data-dir", "");
        java.nio.file.Path records = dataDir.isBlank() ? null : java.nio.file.Path.of(dataDir, "sandbox");
        if (!env.containsProperty("crmhub.connectors.erp-sap.base-url")) {
            ProviderSandboxes.SapSandboxServer sap = ProviderSandboxes.startSap(
                    env.getProperty("crmhub.sandbox.sap-port", Integer.class, 0), SANDBOX_USER, SANDBOX_PASSWORD, records);
            properties.put("crmhub.connectors.erp-sap.base-url", sap.baseUrl());
            properties.put("crmhub.connectors.erp-sap.username", SANDBOX_USER);
            properties.put("crmhub.connectors.erp-sap.password", SANDBOX_PASSWORD);
            // finance "invoices" each new sales order a little later, so the tour shows order → ERP order → invoice
            sap.sap().invoiceAfter(java.time.Duration.ofSeconds(env.getProperty("crmhub.sandbox.sap-invoice-after-seconds", Long.class, 5L)));
            closeWithApplication(application, sap);
            System.out.println("CRM Hub: SAP S/4HANA sandbox listening on " + sap.baseUrl());
        }
        if ("kingdee".equals(env.getProperty("crmhub.erp.provider")) && !env.containsProperty("crmhub.connectors.erp-kingdee.base-url")) {
            ProviderSandboxes.KingdeeSandboxServer kingdee = ProviderSandboxes.startKingdee(
                    env.getProperty("crmhub.sandbox.kingdee-port", Integer.class, 0), SANDBOX_ACCT_ID, SANDBOX_USER, SANDBOX_PASSWORD, records);
            properties.putAll(kingdee.hubProperties());
            // finance issues a receivable for each new sales order a little later, as the SAP sandbox invoices
            kingdee.kingdee().invoiceAfter(java.time.Duration.ofSeconds(env.getProperty("crmhub.sandbox.kingdee-invoice-after-seconds", Long.class, 5L)));
            closeWithApplication(application, kingdee);
            System.out.println("CRM Hub: Kingdee K/3 Cloud sandbox listening on " + kingdee.baseUrl());
        }
        if (!env.containsProperty("crmhub.connectors.payment-wechatpay.merchant-id")) {
            ProviderSandboxes.WechatPaySandboxServer wechatPay = ProviderSandboxes.startWechatPay(
                    env.getProperty("crmhub.sandbox.wechatpay-port", Integer.class, 0), records);
            String notifyUrl = "http://127.0.0.1:" + env.getProperty("server.port", "8080") + "/webhooks/payments/wechatpay";
            properties.putAll(wechatPay.hubProperties(notifyUrl));
            closeWithApplication(application, wechatPay);
            System.out.println("CRM Hub: WeChat Pay sandbox listening on " + wechatPay.baseUrl()
                    + " (pay an order: POST " + wechatPay.baseUrl() + "/sandbox/pay/<payment reference>)");
        }
        if (!env.containsProperty("crmhub.connectors.payment-alipay.app-id")) {
            ProviderSandboxes.AlipaySandboxServer alipay = ProviderSandboxes.startAlipay(
                    env.getProperty("crmhub.sandbox.alipay-port", Integer.class, 0), records);
            String notifyUrl = "http://127.0.0.1:" + env.getProperty("server.port", "8080") + "/webhooks/payments/alipay";
            properties.putAll(alipay.hubProperties(notifyUrl));
            closeWithApplication(application, alipay);
            System.out.println("CRM Hub: Alipay sandbox listening on " + alipay.baseUrl()
                    + " (pay an order: POST " + alipay.baseUrl() + "/sandbox/pay/<payment reference>)");
        }
        if (!env.containsProperty("crmhub.connectors.payment-stripe.secret-key")) {
            ProviderSandboxes.StripeSandboxServer stripe = ProviderSandboxes.startStripe(
                    env.getProperty("crmhub.sandbox.stripe-port", Integer.class, 0), records);
            String webhookUrl = "http://127.0.0.1:" + env.getProperty("server.port", "8080") + "/webhooks/payments/stripe";
            properties.putAll(stripe.hubProperties(webhookUrl));
            closeWithApplication(application, stripe);
            System.out.println("CRM Hub: Stripe sandbox listening on " + stripe.baseUrl()
                    + " (pay an order: POST " + stripe.baseUrl() + "/sandbox/pay/<payment reference>)");
        }
        if (!properties.isEmpty()) {
            env.getPropertySources().addFirst(new MapPropertySource("crmhub-sandboxes", properties));
        }
    }

    private static void closeWithApplication(SpringApplication application, AutoCloseable sandbox) {
        Runnable close = () -> {
            try {
                sandbox.close();
            } catch (Exception ignored) {
                // stopping a local stand-in; nothing to recover
            }
        };
        application.addListeners((ApplicationListener<ContextClosedEvent>) e -> close.run());
        application.addListeners((ApplicationListener<ApplicationFailedEvent>) e -> close.run());
    }
}
