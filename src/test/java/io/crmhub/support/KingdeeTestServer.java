package io.crmhub.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmhub.sandbox.KingdeeSandbox;
import io.crmhub.sandbox.KingdeeSandboxServer;

/** One WireMock "Kingdee K/3 Cloud" per test JVM, shared by the Kingdee test classes (they share one Spring context). */
public final class KingdeeTestServer {
    public static final String ACCT_ID = "it-acct-20251125";
    public static final String USER = "it-kingdee-user";
    public static final String PASSWORD = "it-kingdee-password";
    private static KingdeeSandboxServer server;

    private KingdeeTestServer() {
    }

    public static synchronized KingdeeSandboxServer get() {
        if (server == null) {
            server = KingdeeSandboxServer.start(0, ACCT_ID, USER, PASSWORD);
        }
        return server;
    }

    public static WireMockServer wireMock() {
        return get().server();
    }

    public static KingdeeSandbox kingdee() {
        return get().kingdee();
    }
}
