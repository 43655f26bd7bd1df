package io.crmhub.sandbox;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.Extension;
import java.nio.file.Path;

/** A running SAP S/4HANA sandbox: the WireMock server and the SAP system it serves. */
public record SapSandboxServer(WireMockServer server, SapBusinessPartnerSandbox sap) implements AutoCloseable {

    /**
     * An SAP S/4HANA Gateway with API_BUSINESS_PARTNER on {@code port} (0 = any free port), loopback only;
     * {@code observers} are extra WireMock extensions (e.g. a request listener of a load driver).
     */
    public static SapSandboxServer start(int port, String username, String password, Extension... observers) {
        return start(port, new SapBusinessPartnerSandbox(username, password), observers);
    }

    /** As {@link #start(int, String, String, Extension...)}, its records kept in {@code recordsDir/sap.json}. */
    public static SapSandboxServer start(int port, String username, String password, Path recordsDir) {
        return start(port, new SapBusinessPartnerSandbox(username, password, SandboxStore.in(recordsDir, "sap")));
    }

    /**
     * One more entry point on {@code port} to an SAP system already served elsewhere: the same business partners,
     * orders and billing documents, as two application servers of one SAP system would serve them (e.g. one per hub
     * instance, so a test can tell the instances' requests apart).
     */
    public static SapSandboxServer start(int port, SapBusinessPartnerSandbox sandbox, Extension... observers) {
        WireMockServer server = ProviderSandboxes.serve(options().bindAddress("127.0.0.1").port(port)
                        .extensions(sandbox).extensions(observers).containerThreads(40).jettyAcceptors(2)
                        .maxRequestJournalEntries(100_000), SapBusinessPartnerSandbox.NAME,
                "/sap/opu/odata/sap/(API_BUSINESS_PARTNER|API_SALES_ORDER_SRV|API_BILLING_DOCUMENT_SRV)/.*",
                SapJournalEntrySandbox.SOAP_PATH + "|" + SapJournalEntrySandbox.CUBE_PATH + ".*");
        return new SapSandboxServer(server, sandbox);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.stop();
        sap.closeRecords();
    }
}
