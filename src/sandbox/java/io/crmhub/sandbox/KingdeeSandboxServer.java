package io.crmhub.sandbox;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A running Kingdee K/3 Cloud sandbox for data centre {@code acctId} and one user. */
public record KingdeeSandboxServer(WireMockServer server, KingdeeSandbox kingdee, String acctId, String username,
                                   String password) implements AutoCloseable {

    /**
     * Kingdee K/3 Cloud's WebAPI (session login, BD_Customer, SAL_SaleOrder, AR_receivable) on {@code port}
     * (0 = any free port), loopback only, for data centre {@code acctId} and one user.
     */
    public static KingdeeSandboxServer start(int port, String acctId, String username, String password) {
        return start(port, acctId, username, password, null);
    }

    /** As {@link #start(int, String, String, String)}, its records kept in {@code recordsDir/kingdee.json} (null: memory). */
    public static KingdeeSandboxServer start(int port, String acctId, String username, String password, Path recordsDir) {
        KingdeeSandbox sandbox = new KingdeeSandbox(acctId, username, password, SandboxStore.in(recordsDir, "kingdee"));
        WireMockServer server = ProviderSandboxes.serve(options().bindAddress("127.0.0.1").port(port).extensions(sandbox)
                .containerThreads(20).jettyAcceptors(1), KingdeeSandbox.NAME, "/K3Cloud/.*");
        return new KingdeeSandboxServer(server, sandbox, acctId, username, password);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The connector properties that point the hub at this sandbox. */
    public Map<String, Object> hubProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
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
