package io.crmhub.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.sandbox.SapSandboxServer;

/** One WireMock "SAP" per test JVM (the Spring test context is cached across IT classes, so is this). */
public final class SapTestServer {
    public static final String USER = "it-sap-user";
    public static final String PASSWORD = "it-sap-password";
    private static SapSandboxServer server;

    private SapTestServer() {
    }

    public static synchronized SapSandboxServer get() {
        if (server == null) {
            server = SapSandboxServer.start(0, USER, PASSWORD);
        }
        return server;
    }

    public static WireMockServer wireMock() {
        return get().server();
    }

    public static SapBusinessPartnerSandbox sap() {
        return get().sap();
    }
}
