package io.crmhub.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.Extension;
import io.crmhub.connector.payment.RsaKeys;
import java.nio.file.Path;

/**
 * Local stand-ins for the providers, speaking their real wire protocols so that the real connectors run against
 * them. One WireMock server per provider; tests add fault stubs at a higher priority than the sandbox's own. Given a
 * records directory, each sandbox keeps its records there ({@code <provider>.json}) across restarts; without one
 * (tests, benchmarks) in memory only.
 */
public final class ProviderSandboxes {
    /** The sandboxes answer at this stub priority; a test plants a fault or a canned answer above it (1..9). */
    public static final int SANDBOX_PRIORITY = 10;

    /** Removes what a test planted above the sandbox (stubs with a priority before {@link #SANDBOX_PRIORITY}). */
    public static void removePlantedStubs(WireMockServer server) {
        server.getStubMappings().stream().filter(s -> s.getPriority() != null && s.getPriority() < SANDBOX_PRIORITY)
                .forEach(server::removeStub);
    }

    private ProviderSandboxes() {
    }

    /**
     * An SAP S/4HANA Gateway with API_BUSINESS_PARTNER on {@code port} (0 = any free port), loopback only;
     * {@code observers} are extra WireMock extensions (e.g. a request listener of a load driver).
     */
    public static SapSandboxServer startSap(int port, String username, String password, Extension... observers) {
        return startSap(port, new SapBusinessPartnerSandbox(username, password), observers);
    }

    /** As {@link #startSap(int, String, String, Extension...)}, its records kept in {@code recordsDir/sap.json}. */
    public static SapSandboxServer startSap(int port, String username, String password, Path recordsDir) {
        return startSap(port, new SapBusinessPartnerSandbox(username, password, SandboxStore.in(recordsDir, "sap")));
    }

    /**
     * One more entry point on {@code port} to an SAP system already served elsewhere: the same business partners,
     * orders and billing documents, as two application servers of one SAP system would serve them (e.g. one per hub
     * instance, so a test can tell the instances' requests apart).
     */
    public static SapSandboxServer startSap(int port, SapBusinessPartnerSandbox sandbox, Extension... observers) {
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").port(port)
                .extensions(sandbox).extensions(observers).containerThreads(40).jettyAcceptors(2)
                .maxRequestJournalEntries(100_000));
        server.start();
        server.stubFor(any(urlPathMatching("/sap/opu/odata/sap/(API_BUSINESS_PARTNER|API_SALES_ORDER_SRV|API_BILLING_DOCUMENT_SRV)/.*")).atPriority(SANDBOX_PRIORITY)
                .willReturn(aResponse().withTransformers(SapBusinessPartnerSandbox.NAME)));
        server.stubFor(any(urlPathMatching(SapJournalEntrySandbox.SOAP_PATH + "|" + SapJournalEntrySandbox.CUBE_PATH + ".*")).atPriority(SANDBOX_PRIORITY)
                .willReturn(aResponse().withTransformers(SapBusinessPartnerSandbox.NAME)));
        return new SapSandboxServer(server, sandbox);
    }

    /**
     * Kingdee K/3 Cloud's WebAPI (session login, BD_Customer, SAL_SaleOrder, AR_receivable) on {@code port}
     * (0 = any free port), loopback only, for data centre {@code acctId} and one user.
     */
    public static KingdeeSandboxServer startKingdee(int port, String acctId, String username, String password) {
        return startKingdee(port, acctId, username, password, null);
    }

    /** As {@link #startKingdee(int, String, String, String)}, its records kept in {@code recordsDir/kingdee.json} (null: memory). */
    public static KingdeeSandboxServer startKingdee(int port, String acctId, String username, String password, Path recordsDir) {
        KingdeeSandbox sandbox = new KingdeeSandbox(acctId, username, password, SandboxStore.in(recordsDir, "kingdee"));
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").port(port).extensions(sandbox)
                .containerThreads(20).jettyAcceptors(1));
        server.start();
        server.stubFor(any(urlPathMatching("/K3Cloud/.*")).atPriority(SANDBOX_PRIORITY)
                .willReturn(aResponse().withTransformers(KingdeeSandbox.NAME)));
        return new KingdeeSandboxServer(server, sandbox, acctId, username, password);
    }

    public record KingdeeSandboxServer(WireMockServer server, KingdeeSandbox kingdee, String acctId, String username,
                                       String password) implements AutoCloseable {
        public String baseUrl() {
            return "http://127.0.0.1:" + server.port();
        }

        /** The connector properties that point the hub at this sandbox. */
        public java.util.Map<String, Object> hubProperties() {
            java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
            String prefix = "crmhub.connectors.erp-kingdee.";
            p.put(prefix + "base-url", baseUrl());
            p.put(prefix + "acct-id", acctId);
            p.put(prefix + "username", username);
            p.put(prefix + "password", password);
            p.put(prefix + "org-number", KingdeeSandbox.ORG);
            p.put(prefix + "zone", KingdeeSandbox.ZONE.getId());
            return p;
        }

        @Override
        public void close() {
            server.stop();
            kingdee.closeRecords();
        }
    }

    /** WeChat Pay v3 (Native payments, signed answers, signed notifications) on {@code port} (0 = any free port). */
    public static WechatPaySandboxServer startWechatPay(int port) {
        return startWechatPay(port, null);
    }

    /** As {@link #startWechatPay(int)}, its orders and refunds kept in {@code recordsDir/wechatpay.json} (null: memory). */
    public static WechatPaySandboxServer startWechatPay(int port, Path recordsDir) {
        WechatPaySandbox sandbox = new WechatPaySandbox(SandboxStore.in(recordsDir, "wechatpay"));
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").port(port).extensions(sandbox)
                .containerThreads(20).jettyAcceptors(1));
        server.start();
        server.stubFor(any(urlPathMatching("/(v3|sandbox)/.*")).atPriority(SANDBOX_PRIORITY)
                .willReturn(aResponse().withTransformers(WechatPaySandbox.NAME)));
        return new WechatPaySandboxServer(server, sandbox);
    }

    /** Alipay's v2 gateway (precreate, query, close, refund; signed answers and notifications) on {@code port}. */
    public static AlipaySandboxServer startAlipay(int port) {
        return startAlipay(port, null);
    }

    /** As {@link #startAlipay(int)}, its trades and refunds kept in {@code recordsDir/alipay.json} (null: memory). */
    public static AlipaySandboxServer startAlipay(int port, Path recordsDir) {
        AlipaySandbox sandbox = new AlipaySandbox(SandboxStore.in(recordsDir, "alipay"));
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").port(port).extensions(sandbox)
                .containerThreads(20).jettyAcceptors(1));
        server.start();
        server.stubFor(any(urlPathMatching("/(gateway\\.do|sandbox/.*)")).atPriority(SANDBOX_PRIORITY)
                .willReturn(aResponse().withTransformers(AlipaySandbox.NAME)));
        return new AlipaySandboxServer(server, sandbox);
    }

    public record AlipaySandboxServer(WireMockServer server, AlipaySandbox alipay) implements AutoCloseable {
        public String baseUrl() {
            return "http://127.0.0.1:" + server.port();
        }

        /** The connector properties that point the hub at this sandbox, with its generated keys. */
        public java.util.Map<String, Object> hubProperties(String notifyUrl) {
            java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
            String prefix = "crmhub.connectors.payment-alipay.";
            p.put(prefix + "gateway-url", baseUrl() + "/gateway.do");
            p.put(prefix + "app-id", AlipaySandbox.APP_ID);
            p.put(prefix + "seller-id", AlipaySandbox.SELLER_ID);
            p.put(prefix + "app-private-key", RsaKeys.pem("PRIVATE KEY", alipay.appPrivateKey().getEncoded()));
            p.put(prefix + "alipay-public-key", RsaKeys.pem("PUBLIC KEY", alipay.alipayPublicKey().getEncoded()));
            p.put(prefix + "notify-url", notifyUrl);
            return p;
        }

        @Override
        public void close() {
            server.stop();
            alipay.closeRecords();
        }
    }

    /**
     * Stripe (PaymentIntents, refunds, idempotency keys, signed events) on {@code port} (0 = any free port); events go
     * to the webhook URL given to {@link StripeSandboxServer#hubProperties}.
     */
    public static StripeSandboxServer startStripe(int port) {
        return startStripe(port, null);
    }

    /** As {@link #startStripe(int)}, its PaymentIntents, refunds and keys kept in {@code recordsDir/stripe.json} (null: memory). */
    public static StripeSandboxServer startStripe(int port, Path recordsDir) {
        StripeSandbox sandbox = new StripeSandbox(SandboxStore.in(recordsDir, "stripe"));
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").port(port).extensions(sandbox)
                .containerThreads(20).jettyAcceptors(1));
        server.start();
        server.stubFor(any(urlPathMatching("/(v1|sandbox)/.*")).atPriority(SANDBOX_PRIORITY)
                .willReturn(aResponse().withTransformers(StripeSandbox.NAME)));
        return new StripeSandboxServer(server, sandbox);
    }

    public record StripeSandboxServer(WireMockServer server, StripeSandbox stripe) implements AutoCloseable {
        public String baseUrl() {
            return "http://127.0.0.1:" + server.port();
        }

        /**
         * The connector properties that point the hub at this sandbox, with its generated secrets; the sandbox sends
         * its events to {@code webhookUrl} (Stripe has no per-request notify URL: it is the endpoint's configuration).
         */
        public java.util.Map<String, Object> hubProperties(String webhookUrl) {
            stripe.webhookUrl(webhookUrl);
            java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
            String prefix = "crmhub.connectors.payment-stripe.";
            p.put(prefix + "base-url", baseUrl());
            p.put(prefix + "secret-key", stripe.secretKey());
            p.put(prefix + "webhook-secrets[0]", stripe.webhookSecret());
            return p;
        }

        @Override
        public void close() {
            server.stop();
            stripe.closeRecords();
        }
    }

    public record WechatPaySandboxServer(WireMockServer server, WechatPaySandbox wechatPay) implements AutoCloseable {
        public String baseUrl() {
            return "http://127.0.0.1:" + server.port();
        }

        /** The connector properties that point the hub at this sandbox, with its generated keys. */
        public java.util.Map<String, Object> hubProperties(String notifyUrl) {
            java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
            String prefix = "crmhub.connectors.payment-wechatpay.";
            p.put(prefix + "base-url", baseUrl());
            p.put(prefix + "merchant-id", WechatPaySandbox.MERCHANT_ID);
            p.put(prefix + "app-id", WechatPaySandbox.APP_ID);
            p.put(prefix + "merchant-serial-number", WechatPaySandbox.MERCHANT_SERIAL);
            p.put(prefix + "merchant-private-key", RsaKeys.pem("PRIVATE KEY", wechatPay.merchantPrivateKey().getEncoded()));
            p.put(prefix + "api-v3-key", wechatPay.apiV3Key());
            p.put(prefix + "platform-public-keys[0].serial", WechatPaySandbox.PLATFORM_SERIAL);
            p.put(prefix + "platform-public-keys[0].key", RsaKeys.pem("PUBLIC KEY", wechatPay.platformPublicKey().getEncoded()));
            p.put(prefix + "notify-url", notifyUrl);
            return p;
        }

        @Override
        public void close() {
            server.stop();
            wechatPay.closeRecords();
        }
    }

    public record SapSandboxServer(WireMockServer server, SapBusinessPartnerSandbox sap) implements AutoCloseable {
        public String baseUrl() {
            return "http://127.0.0.1:" + server.port();
        }

        @Override
        public void close() {
            server.stop();
            sap.closeRecords();
        }
    }
}
