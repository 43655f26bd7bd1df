package io.crmhub.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/**
 * What the provider sandboxes share. Each sandbox is a local stand-in for a provider, speaking its real wire protocol
 * so that the real connector runs against it: one WireMock server per provider ({@code <Provider>SandboxServer}), and
 * tests add fault stubs at a higher priority than the sandbox's own. Given a records directory, each sandbox keeps its
 * records there ({@code <provider>.json}) across restarts; without one (tests, benchmarks) in memory only.
 */
public final class ProviderSandboxes {
    /** The local run's user of the ERP sandboxes (the README's tour logs in with it). */
    public static final String LOCAL_USER = "sandbox";
    public static final String LOCAL_PASSWORD = "sandbox-password";

    /** The sandboxes answer at this stub priority; a test plants a fault or a canned answer above it (1..9). */
    public static final int SANDBOX_PRIORITY = 10;

    /** Removes what a test planted above the sandbox (stubs with a priority before {@link #SANDBOX_PRIORITY}). */
    public static void removePlantedStubs(WireMockServer server) {
        server.getStubMappings().stream().filter(s -> s.getPriority() != null && s.getPriority() < SANDBOX_PRIORITY)
                .forEach(server::removeStub);
    }

    private ProviderSandboxes() {
    }

    /** Starts a WireMock server with {@code options} whose requests on the paths matching any of {@code paths} the transformer named {@code transformer} answers. */
    static WireMockServer serve(WireMockConfiguration options, String transformer, String... paths) {
        WireMockServer server = new WireMockServer(options);
        server.start();
        for (String path : paths) {
            server.stubFor(any(urlPathMatching(path)).atPriority(SANDBOX_PRIORITY)
                    .willReturn(aResponse().withTransformers(transformer)));
        }
        return server;
    }
}
