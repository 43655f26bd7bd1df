package io.crmhub.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.Extension;

/**
 * Local stand-ins for the providers, speaking their real wire protocols so that the real connectors run against
 * them. One WireMock server per provider; tests add fault stubs at a higher priority than the sandbox's own.
 */
public final class ProviderSandboxes {
    private ProviderSandboxes() {
    }

    /**
     * An SAP S/4HANA Gateway with API_BUSINESS_PARTNER on {@code port} (0 = any free port), loopback only;
     * {@code observers} are extra WireMock extensions (e.g. a request listener of a load driver).
     */
    public static SapSandboxServer startSap(int port, String username, String password, Extension... observers) {
        SapBusinessPartnerSandbox sandbox = new SapBusinessPartnerSandbox(username, password);
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").port(port)
                .extensions(sandbox).extensions(observers).containerThreads(40).jettyAcceptors(2)
                .maxRequestJournalEntries(100_000));
        server.start();
        server.stubFor(any(urlPathMatching("/sap/opu/odata/sap/API_BUSINESS_PARTNER/.*")).atPriority(10)
                .willReturn(aResponse().withTransformers(SapBusinessPartnerSandbox.NAME)));
        return new SapSandboxServer(server, sandbox);
    }

    public record SapSandboxServer(WireMockServer server, SapBusinessPartnerSandbox sap) implements AutoCloseable {
        public String baseUrl() {
            return "http://127.0.0.1:" + server.port();
        }

        @Override
        public void close() {
            server.stop();
        }
    }
}
