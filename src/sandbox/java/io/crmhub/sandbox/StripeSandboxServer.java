package io.crmhub.sandbox;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A running Stripe sandbox (PaymentIntents, refunds, idempotency keys, signed events). */
public record StripeSandboxServer(WireMockServer server, StripeSandbox stripe) implements AutoCloseable {

    /**
     * Stripe on {@code port} (0 = any free port), loopback only, its records in memory; events go to the webhook URL
     * given to {@link #hubProperties}.
     */
    public static StripeSandboxServer start(int port) {
        return start(port, null);
    }

    /** As {@link #start(int)}, its PaymentIntents, refunds and keys kept in {@code recordsDir/stripe.json} (null: memory). */
    public static StripeSandboxServer start(int port, Path recordsDir) {
        StripeSandbox sandbox = new StripeSandbox(SandboxStore.in(recordsDir, "stripe"));
        WireMockServer server = ProviderSandboxes.serve(options().bindAddress("127.0.0.1").port(port).extensions(sandbox)
                .containerThreads(20).jettyAcceptors(1), StripeSandbox.NAME, "/(v1|sandbox)/.*");
        return new StripeSandboxServer(server, sandbox);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /**
     * The connector properties that point the hub at this sandbox, with its generated secrets; the sandbox sends
     * its events to {@code webhookUrl} (Stripe has no per-request notify URL: it is the endpoint's configuration).
     */
    public Map<String, Object> hubProperties(String webhookUrl) {
        stripe.webhookUrl(webhookUrl);
        Map<String, Object> p = new LinkedHashMap<>();
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
