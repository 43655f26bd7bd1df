package io.crmhub.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.sandbox.ProviderSandboxes;
import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub process is killed with SIGKILL while customers are between the CRM commit and SAP (in the outbox, on the
 * broker, in the middle of the SAP call), then restarted on the same database and broker journal: every customer
 * reaches SAP exactly once.
 */
class HubCrashIT {
    private static final int CUSTOMERS = 150;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();
    private ProviderSandboxes.SapSandboxServer sap;

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        if (sap != null) {
            sap.close();
        }
    }

    @Test
    void killingTheHubMidStreamStillDeliversEveryCustomerExactlyOnce() throws Exception {
        sap = ProviderSandboxes.startSap(0, "crash-user", "crash-password");
        // SAP takes a second per create, so creates are queued and in flight when the hub dies
        sap.server().stubFor(post(urlPathEqualTo(SapBusinessPartnerSandbox.SERVICE_PATH + "A_BusinessPartner")).atPriority(5)
                .willReturn(aResponse().withTransformers(SapBusinessPartnerSandbox.NAME).withFixedDelay(1000)));
        Path dir = Files.createTempDirectory("crmhub-crash");
        int port = freePort();
        List<String> args = hubArguments(dir, port);

        Process first = start(args, logFile("hub-crash-1.log"));
        awaitUp(port);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            ids.add(createCustomer(port, i));
        }
        // kill once SAP has taken a few creates, whatever the machine's speed: the rest are in the outbox, on the
        // broker or in the middle of a SAP call
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> sap.sap().partners().size() >= 3);
        first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no graceful anything
        int createdBeforeKill = sap.sap().partners().size();
        assertThat(createdBeforeKill).as("the kill must land mid-stream").isBetween(1, CUSTOMERS * 2 / 3);

        start(args, logFile("hub-crash-2.log"));
        awaitUp(port);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> sap.sap().partners().size() >= CUSTOMERS && allLinked(port, ids));

        Map<String, Long> partnersPerCustomer = sap.sap().partners().values().stream()
                .collect(Collectors.groupingBy(p -> p.path("BusinessPartnerIDByExtSystem").asText(), Collectors.counting()));
        long duplicates = partnersPerCustomer.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        long lost = ids.stream().map(CanonicalCustomer::referenceOf).filter(ref -> !partnersPerCustomer.containsKey(ref)).count();
        long posts = sap.server().findAll(postRequestedFor(urlPathEqualTo(SapBusinessPartnerSandbox.SERVICE_PATH + "A_BusinessPartner"))).size();
        System.out.printf("[hub-crash] sent=%d createdBeforeKill=%d delivered=%d duplicates=%d lost=%d sapPosts=%d%n",
                CUSTOMERS, createdBeforeKill, partnersPerCustomer.size(), duplicates, lost, posts);
        assertThat(lost).isZero();
        assertThat(duplicates).isZero();
        assertThat(partnersPerCustomer).hasSize(CUSTOMERS);
    }

    private List<String> hubArguments(Path dir, int port) {
        String dbUrl = System.getProperty("spring.datasource.url", "");
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--spring.artemis.embedded.data-directory=" + dir.resolve("artemis"),
                "--crmhub.sandbox.enabled=false",
                "--crmhub.broker.tcp-acceptor=",
                "--crmhub.mappings.override-dir=",
                "--crmhub.connectors.erp-sap.base-url=" + sap.baseUrl(),
                "--crmhub.connectors.erp-sap.username=crash-user",
                "--crmhub.connectors.erp-sap.password=crash-password",
                "--crmhub.retry.initial-delay-ms=100",
                "--crmhub.outbox.lease-duration=3s"));
        if (dbUrl.startsWith("jdbc:postgresql")) {
            args.add("--spring.datasource.url=" + dbUrl);
            args.add("--spring.datasource.username=" + System.getProperty("spring.datasource.username", "postgres"));
        } else {
            args.add("--spring.datasource.url=jdbc:h2:file:" + dir.resolve("db/crmhub") + ";WRITE_DELAY=0");
        }
        return args;
    }

    private Process start(List<String> args, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "io.crmhub.CrmHubApplication"));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        return process;
    }

    private void awaitUp(int port) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() ->
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }

    private long createCustomer(int port, int i) throws Exception {
        String body = """
                {"type":"ORGANIZATION","name":"Crash Test %d","email":"crash-%d-%d@example.com","address":{"countryCode":"CN"}}"""
                .formatted(i, i, System.nanoTime());
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/customers"))
                .header("Content-Type", "application/json").header("Authorization", basic("sales"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        String id = response.body().replaceAll("(?s).*?\"id\":(\\d+).*", "$1");
        return Long.parseLong(id);
    }

    private boolean allLinked(int port, List<Long> ids) throws Exception {
        for (Long id : ids) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/customers/" + id))
                    .header("Authorization", basic("sales")).build(), HttpResponse.BodyHandlers.ofString());
            if (!r.body().contains("\"system\":\"erp-sap\"")) {
                return false;
            }
        }
        return true;
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
    }

    /** Child hub logs go where the suite's log scan (CapturedLogsIT) reads them. */
    private static Path logFile(String name) throws java.io.IOException {
        Path dir = Files.createDirectories(Path.of("target", "test-logs"));
        return dir.resolve(name);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
