package io.crmhub.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.sandbox.SapSandboxServer;
import io.crmhub.support.HubProcess;
import io.crmhub.support.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub process is killed with SIGKILL while customers are between the CRM commit and SAP (in the outbox, on the
 * broker, in the middle of the SAP call), then restarted on the same database and broker journal: every customer
 * reaches SAP exactly once.
 */
class HubCrashIT {
    private static final int CUSTOMERS = 3000;
    private final List<HubProcess> hubs = new ArrayList<>();
    private SapSandboxServer sap;

    @AfterEach
    void stop() {
        hubs.forEach(HubProcess::close);
        if (sap != null) {
            sap.close();
        }
    }

    @Test
    void killingTheHubMidStreamStillDeliversEveryCustomerExactlyOnce() throws Exception {
        sap = SapSandboxServer.start(0, "crash-user", "crash-password");
        // SAP takes 100 ms per create, so a couple of thousand creates are queued and in flight when the hub dies
        sap.server().stubFor(post(urlPathEqualTo(SapBusinessPartnerSandbox.SERVICE_PATH + "A_BusinessPartner")).atPriority(5)
                .willReturn(aResponse().withTransformers(SapBusinessPartnerSandbox.NAME).withFixedDelay(100)));
        Path dir = Files.createTempDirectory("crmhub-crash");
        int port = HubProcess.freePort();
        List<String> args = hubArguments(dir);

        HubProcess first = start("hub-crash-1", port, args);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            ids.add(first.createCustomer("Crash Test " + i));
        }
        int createdWhileSending = sap.sap().partners().size();
        // kill once SAP has taken some creates, whatever the machine's speed: the rest are in the outbox, on the
        // broker or in the middle of a SAP call
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(() -> sap.sap().partners().size() >= 100);
        first.kill();
        int createdBeforeKill = sap.sap().partners().size();
        assertThat(createdBeforeKill).as("the kill must land mid-stream").isBetween(1, CUSTOMERS - 1);

        HubProcess second = start("hub-crash-2", port, args);
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500))
                .until(() -> sap.sap().partners().size() >= CUSTOMERS && second.allLinked(ids));

        ExactlyOnce result = ExactlyOnce.check(sap, ids);
        long posts = sap.server().findAll(postRequestedFor(urlPathEqualTo(SapBusinessPartnerSandbox.SERVICE_PATH + "A_BusinessPartner"))).size();
        long parked = second.parkedCount();
        System.out.printf("[hub-crash] sent=%d createdWhileSending=%d createdBeforeKill=%d inFlightAtKill=%d %s parked=%d sapPosts=%d%n",
                CUSTOMERS, createdWhileSending, createdBeforeKill, CUSTOMERS - createdBeforeKill, result, parked, posts);
        result.assertExactlyOnce(CUSTOMERS);
        assertThat(parked).as("parked").isZero();
    }

    private HubProcess start(String name, int port, List<String> args) throws Exception {
        HubProcess hub = HubProcess.start(name, port, args);
        hubs.add(hub);
        return hub.awaitUp();
    }

    private List<String> hubArguments(Path dir) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.artemis.embedded.data-directory=" + dir.resolve("artemis"),
                "--crmhub.sandbox.enabled=false",
                "--crmhub.broker.tcp-acceptor=",
                "--crmhub.mappings.override-dir=",
                "--crmhub.connectors.erp-sap.base-url=" + sap.baseUrl(),
                "--crmhub.connectors.erp-sap.username=crash-user",
                "--crmhub.connectors.erp-sap.password=crash-password",
                "--crmhub.connectors.erp-sap.gross-price-condition=" + io.crmhub.sandbox.SapBusinessPartnerSandbox.GROSS_PRICE_CONDITION,
                "--crmhub.retry.initial-delay-ms=100",
                "--crmhub.outbox.lease-duration=3s"));
        args.addAll(TestDatabases.arguments(dir, "hubcrash"));
        return args;
    }
}
