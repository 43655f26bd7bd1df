package io.crmhub.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
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

/**
 * A hub in its own JVM (this test JVM's class path), for fault tests that kill processes. Its log goes to
 * {@code target/test-logs/<name>.log}, where the suite's log scan reads it.
 */
public final class HubProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final Process process;
    private final int port;

    private HubProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static HubProcess start(String name, int port, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "io.crmhub.CrmHubApplication", "--server.port=" + port));
        command.addAll(args);
        Path log = Files.createDirectories(Path.of("target", "test-logs")).resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new HubProcess(process, port);
    }

    public HubProcess awaitUp() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() ->
                HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        return this;
    }

    public long createCustomer(String name) throws Exception {
        String body = """
                {"type":"ORGANIZATION","name":"%s","email":"c-%d@example.com","address":{"countryCode":"CN"}}"""
                .formatted(name, System.nanoTime());
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/api/customers"))
                .header("Content-Type", "application/json").header("Authorization", basic("sales"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Long.parseLong(response.body().replaceAll("(?s).*?\"id\":(\\d+).*", "$1"));
    }

    /** A confirmed order of one line (2 × 88.00 CNY) for {@code customerId}, as sales; returns its id. */
    public long createConfirmedOrder(long customerId) throws Exception {
        HttpResponse<String> response = post("sales", "/api/orders", """
                {"customerId":%d,"currency":"CNY","status":"CONFIRMED",
                 "lines":[{"sku":"TEA-01","description":"Tea set","quantity":2,"unit":"EA","unitPrice":"88.00"}]}""".formatted(customerId));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Long.parseLong(response.body().replaceAll("(?s).*?\"id\":(\\d+).*", "$1"));
    }

    /** {@code POST path} as {@code user} (password = user name, the demo users), JSON body or none. */
    public HttpResponse<String> post(String user, String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
                .header("Authorization", basic(user))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET path} as {@code user} (password = user name). */
    public HttpResponse<String> get(String user, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", basic(user)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code PUT path} as {@code user} with a JSON body. */
    public HttpResponse<String> put(String user, String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
                .header("Authorization", basic(user)).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Whether every customer shows its SAP reference (the flow recorded the result in external links). */
    public boolean allLinked(List<Long> ids) throws Exception {
        for (Long id : ids) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/api/customers/" + id))
                    .header("Authorization", basic("sales")).build(), HttpResponse.BodyHandlers.ofString());
            if (!r.body().contains("\"system\":\"erp-sap\"")) {
                return false;
            }
        }
        return true;
    }

    /** Messages this hub parked, whatever their status now (the ops API, as an engineer). */
    public long parkedCount() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/api/ops/failures?status=ALL&size=1"))
                .header("Authorization", basic("engineer")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Long.parseLong(r.body().replaceAll("(?s).*\"totalItems\":(\\d+).*", "$1"));
    }

    /** SIGKILL: no shutdown hooks, nothing graceful. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
