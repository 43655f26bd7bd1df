package io.crmhub.sandbox;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmhub.connector.payment.RsaKeys;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A running Alipay sandbox: the v2 gateway (precreate, query, close, refund, the trade bill; signed answers and notifications). */
public record AlipaySandboxServer(WireMockServer server, AlipaySandbox alipay) implements AutoCloseable {

    /** Alipay's gateway on {@code port} (0 = any free port), loopback only, its records in memory. */
    public static AlipaySandboxServer start(int port) {
        return start(port, null);
    }

    /** As {@link #start(int)}, its trades and refunds kept in {@code recordsDir/alipay.json} (null: memory). */
    public static AlipaySandboxServer start(int port, Path recordsDir) {
        AlipaySandbox sandbox = new AlipaySandbox(SandboxStore.in(recordsDir, "alipay"));
        WireMockServer server = ProviderSandboxes.serve(options().bindAddress("127.0.0.1").port(port).extensions(sandbox)
                .containerThreads(20).jettyAcceptors(1), AlipaySandbox.NAME, "/(gateway\\.do|sandbox/.*)");
        return new AlipaySandboxServer(server, sandbox);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The connector properties that point the hub at this sandbox, with its generated keys. */
    public Map<String, Object> hubProperties(String notifyUrl) {
        Map<String, Object> p = new LinkedHashMap<>();
        String prefix = "crmhub.connectors.payment-alipay.";
        p.put(prefix + "gateway-url", baseUrl() + "/gateway.do");
        p.put(prefix + "app-id", AlipaySandbox.APP_ID);
        p.put(prefix + "seller-id", AlipaySandbox.SELLER_ID);
        p.put(prefix + "app-private-key", RsaKeys.pem("PRIVATE KEY", alipay.appPrivateKey().getEncoded()));
        p.put(prefix + "alipay-public-key", RsaKeys.pem("PUBLIC KEY", alipay.alipayPublicKey().getEncoded()));
        p.put(prefix + "notify-url", notifyUrl);
        p.put(prefix + "fee-rate", AlipaySandbox.FEE_RATE.toPlainString()); // the sandbox's bills charge 0.6 %
        return p;
    }

    @Override
    public void close() {
        server.stop();
        alipay.closeRecords();
    }
}
