package io.crmhub.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.sandbox.SapSandboxServer;
import io.crmhub.support.HubProcess;
import io.crmhub.support.TestDatabases;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub runs against an external Artemis (the {@code apache-artemis} distribution, unpacked by the
 * {@code broker-faults} Maven profile into {@code artemis.home}). The broker is killed with SIGKILL mid-stream,
 * while customers keep being created, and restarted on its journal: every customer reaches SAP exactly once.
 */
class BrokerRestartIT {
    private static final int CUSTOMERS = 300;
    private final List<Process> brokers = new ArrayList<>();
    private HubProcess hub;
    private SapSandboxServer sap;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        brokers.forEach(Process::destroyForcibly);
        if (sap != null) {
            sap.close();
        }
    }

    @Test
    void killingAndRestartingTheBrokerMidStreamStillDeliversEveryCustomerExactlyOnce() throws Exception {
        Path artemisHome = Path.of(System.getProperty("artemis.home", "target/artemis/apache-artemis-unknown"));
        assertThat(artemisHome.resolve("bin/artemis")).as("run with -Pbroker-faults (unpacks the Artemis distribution)").exists();
        Path dir = Files.createTempDirectory("crmhub-broker-restart");
        int brokerPort = HubProcess.freePort();
        Path instance = createBroker(artemisHome, dir.resolve("broker"), brokerPort);
        startBroker(instance, brokerPort, "broker-1");

        sap = SapSandboxServer.start(0, "restart-user", "restart-password");
        // SAP takes 20 ms per create, so the flow is still busy when the broker dies
        sap.server().stubFor(post(urlPathEqualTo(SapBusinessPartnerSandbox.SERVICE_PATH + "A_BusinessPartner")).atPriority(5)
                .willReturn(aResponse().withTransformers(SapBusinessPartnerSandbox.NAME).withFixedDelay(20)));
        List<String> args = new ArrayList<>(List.of(
                "--spring.artemis.mode=native",
                "--spring.artemis.broker-url=tcp://127.0.0.1:" + brokerPort,
                "--spring.artemis.user=hub", "--spring.artemis.password=hub-password",
                "--crmhub.sandbox.enabled=false", "--crmhub.mappings.override-dir=",
                "--crmhub.connectors.erp-sap.base-url=" + sap.baseUrl(),
                "--crmhub.connectors.erp-sap.username=restart-user",
                "--crmhub.connectors.erp-sap.password=restart-password",
                "--crmhub.connectors.erp-sap.gross-price-condition=" + io.crmhub.sandbox.SapBusinessPartnerSandbox.GROSS_PRICE_CONDITION,
                "--crmhub.retry.initial-delay-ms=100"));
        args.addAll(TestDatabases.arguments(dir, "brokerrestart"));
        hub = HubProcess.start("broker-restart-hub", HubProcess.freePort(), args).awaitUp();

        List<Long> ids = new ArrayList<>();
        int deliveredBeforeKill = -1;
        for (int i = 0; i < CUSTOMERS; i++) {
            ids.add(hub.createCustomer("Broker Restart " + i));
            if (i == CUSTOMERS / 3) {
                await().atMost(Duration.ofSeconds(60)).until(() -> sap.sap().partners().size() >= 20);
                brokers.get(0).destroyForcibly().waitFor(); // SIGKILL the broker
                deliveredBeforeKill = sap.sap().partners().size();
            }
            if (i == CUSTOMERS * 2 / 3) {
                startBroker(instance, brokerPort, "broker-2"); // the CRM kept accepting changes meanwhile
            }
        }
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> sap.sap().partners().size() >= CUSTOMERS && hub.allLinked(ids));

        ExactlyOnce result = ExactlyOnce.check(sap, ids);
        long parked = hub.parkedCount();
        System.out.printf("[broker-restart] sent=%d deliveredBeforeBrokerKill=%d %s parked=%d%n", CUSTOMERS, deliveredBeforeKill, result, parked);
        assertThat(parked).as("parked").isZero();
        assertThat(deliveredBeforeKill).as("the broker died mid-stream").isBetween(1, CUSTOMERS - 1);
        result.assertExactlyOnce(CUSTOMERS);
    }

    private static Path createBroker(Path home, Path instance, int port) throws Exception {
        Process create = new ProcessBuilder("bash", home.resolve("bin/artemis").toString(), "create", instance.toString(),
                "--user", "hub", "--password", "hub-password", "--require-login", "--silent", "--force",
                "--host", "127.0.0.1", "--default-port", String.valueOf(port), "--no-web", "--no-autotune",
                "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor", "--nio")
                .redirectErrorStream(true).redirectOutput(Files.createDirectories(Path.of("target", "test-logs"))
                        .resolve("broker-create.log").toFile())
                .start();
        assertThat(create.waitFor()).as("artemis create").isZero();
        return instance;
    }

    private void startBroker(Path instance, int port, String name) throws Exception {
        Process broker = new ProcessBuilder("bash", instance.resolve("bin/artemis").toString(), "run")
                .redirectErrorStream(true).redirectOutput(Path.of("target", "test-logs", name + ".log").toFile()).start();
        brokers.add(0, broker);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> listening(port));
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
