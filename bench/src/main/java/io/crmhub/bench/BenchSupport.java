package io.crmhub.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What every benchmark needs: the hub in a JVM of its own (as it runs in production), percentiles, waiting. */
final class BenchSupport {
    private BenchSupport() {
    }

    /** A hub process on a free port with its own H2 file (or {@code db}) and embedded broker; {@code args} are added. */
    record Hub(Process process, String base, Path dir) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static Hub startHub(Path jar, String db, String hubJvmArgs, List<String> args) throws Exception {
        Path dir = Files.createTempDirectory("bench-hub");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        if (!hubJvmArgs.isBlank()) {
            cmd.addAll(List.of(hubJvmArgs.trim().split(" +")));
        }
        cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--server.port=" + port,
                "--spring.datasource.url=" + (db.isBlank() ? "jdbc:h2:file:" + dir.resolve("db/crmhub") + ";WRITE_DELAY=0" : db),
                "--spring.datasource.username=" + (db.isBlank() ? "sa" : System.getProperty("bench.dbUser", "postgres")),
                "--spring.artemis.embedded.data-directory=" + dir.resolve("artemis"),
                "--crmhub.sandbox.enabled=false", "--crmhub.broker.tcp-acceptor=", "--crmhub.mappings.override-dir=",
                "--logging.level.io.crmhub=WARN"));
        cmd.addAll(args);
        System.out.println("hub: " + String.join(" ", cmd).replaceAll("(password|key|secret)[^ ]*=[^ ]+", "$1=****")
                + "  (log: " + dir.resolve("hub.log") + ")");
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("hub.log").toFile()).start();
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        try {
            waitUntil(Duration.ofSeconds(120), () -> status(http, base + "/actuator/health") >= 0);
        } catch (IllegalStateException e) {
            process.destroy();
            throw new IllegalStateException("hub did not start; see " + dir.resolve("hub.log"), e);
        }
        return new Hub(process, base, dir);
    }

    static int status(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    /** The p-th percentile (0..1) of {@code values}, nearest rank; -1 for none. */
    static long percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)));
    }

    static void waitUntil(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        waitUntil(timeout, Duration.ofMillis(20), condition);
    }

    static void waitUntil(Duration timeout, Duration interval, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout);
            }
            Thread.sleep(interval.toMillis());
        }
    }
}
