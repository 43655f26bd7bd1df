package io.crmhub.sandbox;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmhub.connector.payment.RsaKeys;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A running WeChat Pay v3 sandbox (Native payments, signed answers, signed notifications). */
public record WechatPaySandboxServer(WireMockServer server, WechatPaySandbox wechatPay) implements AutoCloseable {

    /** WeChat Pay v3 on {@code port} (0 = any free port), loopback only, its records in memory. */
    public static WechatPaySandboxServer start(int port) {
        return start(port, null);
    }

    /** As {@link #start(int)}, its orders and refunds kept in {@code recordsDir/wechatpay.json} (null: memory). */
    public static WechatPaySandboxServer start(int port, Path recordsDir) {
        WechatPaySandbox sandbox = new WechatPaySandbox(SandboxStore.in(recordsDir, "wechatpay"));
        WireMockServer server = ProviderSandboxes.serve(options().bindAddress("127.0.0.1").port(port).extensions(sandbox)
                .containerThreads(20).jettyAcceptors(1), WechatPaySandbox.NAME, "/(v3|sandbox)/.*");
        return new WechatPaySandboxServer(server, sandbox);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The connector properties that point the hub at this sandbox, with its generated keys. */
    public Map<String, Object> hubProperties(String notifyUrl) {
        Map<String, Object> p = new LinkedHashMap<>();
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
        p.put(prefix + "fee-rate", WechatPaySandbox.FEE_RATE.toPlainString()); // the sandbox's bills charge 0.6 %
        return p;
    }

    @Override
    public void close() {
        server.stop();
        wechatPay.closeRecords();
    }
}
