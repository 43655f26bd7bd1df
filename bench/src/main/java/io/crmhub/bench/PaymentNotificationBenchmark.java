package io.crmhub.bench;

import com.sun.net.httpserver.HttpServer;
import io.crmhub.sandbox.WechatPaySandbox;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verified WeChat Pay notifications per second and ack latency at {@code /webhooks/payments/wechatpay} (signature on
 * the raw body, replay window, AES-256-GCM decryption, inbox + outbox commit, 204), next to the raw limit measured
 * in the same run: a JDK HTTP server in this JVM doing the same verification and decryption, no database.
 *
 * <pre>./mvnw -B -Pbench verify -Dbench.main=io.crmhub.bench.PaymentNotificationBenchmark [-Dbench.notifications=20000 -Dbench.clients=32 -Dbench.warmup=4000 -Dbench.rate=200 -Dbench.seconds=30]</pre>
 *
 * <p>The load driver sends pre-encoded requests over one keep-alive socket per client ({@link KeepAliveConnection}): the
 * JDK {@code HttpClient} took a large share of the two cores the measured server needs.
 */
public final class PaymentNotificationBenchmark {
    private static final String SERIAL = "PUB_KEY_ID_BENCH000000000000000000000001";
    private final int total = Integer.getInteger("bench.notifications", 20000);
    private final int clients = Integer.getInteger("bench.clients", 32);
    /** Unmeasured notifications first, so that the measured phase does not pay for the hub's JIT compilation. */
    private final int warmup = Integer.getInteger("bench.warmup", 4000);
    /** The fixed-rate phase: notifications per second (open loop) for {@code bench.seconds}. */
    private final int rate = Integer.getInteger("bench.rate", 200);
    private final int seconds = Integer.getInteger("bench.seconds", 30);
    private final String db = System.getProperty("bench.db", "");
    private final String hubJvmArgs = System.getProperty("bench.hubJvmArgs", "");
    private final KeyPair platform = WechatPaySandbox.rsa();
    private final String apiV3Key = WechatPaySandbox.randomKey();

    public static void main(String[] args) throws Exception {
        new PaymentNotificationBenchmark().run(Path.of(args.length > 0 ? args[0] : "target/crm-hub-0.1.0-SNAPSHOT.jar"));
        System.exit(0);
    }

    record Result(String name, double perSecond, long p50, long p99, long max, int ok, int total) {
        String line() {
            return "%-34s %7.0f notifications/s   ack p50 %4d ms   p99 %4d ms   max %5d ms   (%d/%d acked)"
                    .formatted(name, perSecond, p50, p99, max, ok, total);
        }
    }

    void run(Path jar) throws Exception {
        System.out.printf("machine: %d cores, %s %s, Java %s; %d notifications, %d concurrent clients; hub database: %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), total, clients, db.isBlank() ? "embedded H2 file" : db);
        List<Result> raw = raw();
        List<Result> hub = hub(jar);
        System.out.println();
        System.out.println("== results ==");
        for (int i = 0; i < raw.size(); i++) {
            System.out.println(raw.get(i).line());
            System.out.println(hub.get(i).line());
        }
        System.out.printf("burst: hub = %.0f %% of the raw limit; target >= 3000/s with ack p99 <= 25 ms%n",
                100.0 * hub.get(0).perSecond() / raw.get(0).perSecond());
    }

    // ---- raw limit: the same verification and decryption in a JDK HTTP server, no database ----

    private List<Result> raw() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/raw", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            boolean ok = verifyAndDecrypt(exchange.getRequestHeaders().getFirst("Wechatpay-Timestamp"),
                    exchange.getRequestHeaders().getFirst("Wechatpay-Nonce"),
                    exchange.getRequestHeaders().getFirst("Wechatpay-Signature"), body);
            exchange.sendResponseHeaders(ok ? 204 : 401, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/raw";
            return phases(url, "SO-RAW", "raw limit", when -> { });
        } finally {
            server.stop(0);
        }
    }

    private boolean verifyAndDecrypt(String ts, String nonce, String signature, byte[] body) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(platform.getPublic());
            verifier.update((ts + "\n" + nonce + "\n" + new String(body, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
            if (!verifier.verify(Base64.getDecoder().decode(signature))) {
                return false;
            }
            String text = new String(body, StandardCharsets.UTF_8);
            String ciphertext = text.replaceAll(".*\"ciphertext\":\"([^\"]+)\".*", "$1");
            String resourceNonce = text.replaceAll(".*\"resource\":\\{.*\"nonce\":\"([^\"]+)\".*", "$1");
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(apiV3Key.getBytes(StandardCharsets.UTF_8), "AES"),
                    new GCMParameterSpec(128, resourceNonce.getBytes(StandardCharsets.UTF_8)));
            cipher.updateAAD("transaction".getBytes(StandardCharsets.UTF_8));
            cipher.doFinal(Base64.getDecoder().decode(ciphertext));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    // ---- the hub in its own JVM ----

    private List<Result> hub(Path jar) throws Exception {
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(platform.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        try (BenchSupport.Hub hub = BenchSupport.startHub(jar, db, hubJvmArgs, List.of(
                "--crmhub.connectors.erp-sap.base-url=http://127.0.0.1:9", "--crmhub.connectors.erp-sap.username=none",
                "--crmhub.connectors.erp-sap.password=none",
                "--crmhub.connectors.payment-wechatpay.merchant-id=1900000001",
                "--crmhub.connectors.payment-wechatpay.api-v3-key=" + apiV3Key,
                "--crmhub.connectors.payment-wechatpay.platform-public-keys[0].serial=" + SERIAL,
                "--crmhub.connectors.payment-wechatpay.platform-public-keys[0].key=" + pem))) {
            String base = hub.base();
            String url = base + "/webhooks/payments/wechatpay";
            return phases(url, "SO-BENCH", "hub", when -> awaitIdle(base, when));
        }
    }

    /**
     * Warm-up, then a fixed rate (open loop: latency counts from the due time), then a burst (as fast as the clients
     * go). Before each measured phase the hub must have worked off what the previous one left in its outbox and flow
     * queues ({@code idle}), so that no phase pays for another's asynchronous work; after the burst, the time that takes
     * is printed too (the webhook acknowledges first, the flow processes after).
     */
    private List<Result> phases(String url, String reference, String name, java.util.function.Consumer<String> idle) throws Exception {
        load(url, reference, warmup, 0);
        idle.accept("after the warm-up");
        Result fixed = load(url, reference, rate * seconds, rate).named(name + ", " + rate + "/s");
        idle.accept("after the fixed-rate phase");
        Result burst = load(url, reference, total, 0).named(name + ", burst");
        // what the burst left to the asynchronous side (relay, payment flow): how long until it has all been processed
        idle.accept("after the burst");
        return List.of(burst, fixed);
    }

    /**
     * Waits (up to 10 minutes) until the hub's outbox and flow queues are empty, read from its Prometheus metrics twice a
     * second (a scrape counts the backlog: asking more often slows the hub down).
     */
    private static void awaitIdle(String base, String when) {
        HttpClient http = HttpClient.newHttpClient();
        String auth = "Basic " + Base64.getEncoder().encodeToString("engineer:engineer".getBytes(StandardCharsets.UTF_8));
        long started = System.nanoTime();
        try {
            BenchSupport.waitUntil(Duration.ofMinutes(10), Duration.ofMillis(500), () -> {
                try {
                    String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).header("Authorization", auth).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    double backlog = metrics.lines().filter(l -> l.startsWith("crmhub_outbox_backlog") || l.startsWith("crmhub_flow_backlog"))
                            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                    return backlog == 0;
                } catch (Exception e) {
                    return false;
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException timedOut) {
            System.out.printf("hub NOT idle %d s %s%n", Duration.ofNanos(System.nanoTime() - started).toSeconds(), when);
            return;
        }
        System.out.printf("hub idle %d s %s (outbox and flow queues empty)%n", Duration.ofNanos(System.nanoTime() - started).toSeconds(), when);
    }

    // ---- load: distinct, genuinely signed notifications from concurrent clients ----

    private record Measured(double perSecond, List<Long> latencies, int ok, int total) {
        Result named(String name) {
            return new Result(name, perSecond, BenchSupport.percentile(latencies, 0.50), BenchSupport.percentile(latencies, 0.99),
                    BenchSupport.percentile(latencies, 1.0), ok, total);
        }
    }

    /**
     * Each client thread owns one keep-alive connection. With {@code perSecond} 0 it sends the next pre-encoded request
     * as soon as answered; otherwise request i is due at start + i / perSecond and its latency counts from then, so a
     * server that falls behind is not flattered by the clients waiting for it.
     */
    private Measured load(String url, String reference, int count, int perSecond) throws Exception {
        URI uri = URI.create(url);
        List<byte[]> prepared = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            prepared.add(prepare(uri, reference + "-" + (i % 50)));
        }
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>(count));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        // wall-clock bounds of the phase, to line a profile or per-thread CPU readings of the hub up with it
        System.out.printf("phase of %d notifications%s: from epoch %.1f%n", count, perSecond == 0 ? "" : " at " + perSecond + "/s",
                System.currentTimeMillis() / 1000.0);
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                try (KeepAliveConnection connection = new KeepAliveConnection(uri)) {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        long t0 = perSecond == 0 ? System.nanoTime() : start + (long) (i * 1e9 / perSecond);
                        for (long wait = t0 - System.nanoTime(); wait > 0; wait = t0 - System.nanoTime()) {
                            LockSupport.parkNanos(wait);
                        }
                        try {
                            if (connection.send(prepared.get(i)) == 204) {
                                ok.incrementAndGet();
                            }
                        } catch (Exception e) {
                            connection.close(); // counted as not acked; the next request reconnects
                            if (failed.getAndIncrement() == 0) {
                                System.out.println("first failed request: " + e);
                            }
                        }
                        latencies.add((System.nanoTime() - t0) / 1_000_000);
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("phase of %d notifications: until epoch %.1f%n", count, System.currentTimeMillis() / 1000.0);
        return new Measured(count / seconds, latencies, ok.get(), count);
    }

    private byte[] prepare(URI url, String outTradeNo) {
        String transaction = "{\"mchid\":\"1900000001\",\"appid\":\"wxd678efh567hg6787\",\"out_trade_no\":\"" + outTradeNo
                + "\",\"transaction_id\":\"42" + UUID.randomUUID().toString().replace("-", "").substring(0, 26)
                + "\",\"trade_type\":\"NATIVE\",\"trade_state\":\"SUCCESS\",\"success_time\":\"2026-11-25T13:29:35+08:00\","
                + "\"amount\":{\"total\":100,\"payer_total\":100,\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}";
        String nonce = UUID.randomUUID().toString().substring(0, 12);
        String body = "{\"id\":\"" + UUID.randomUUID() + "\",\"create_time\":\"2026-11-25T13:29:35+08:00\",\"resource_type\":\"encrypt-resource\","
                + "\"event_type\":\"TRANSACTION.SUCCESS\",\"summary\":\"ok\",\"resource\":{\"original_type\":\"transaction\","
                + "\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\"" + WechatPaySandbox.encrypt(apiV3Key, transaction, nonce, "transaction")
                + "\",\"associated_data\":\"transaction\",\"nonce\":\"" + nonce + "\"}}";
        String ts = String.valueOf(System.currentTimeMillis() / 1000);
        String headerNonce = UUID.randomUUID().toString().replace("-", "");
        String signature = WechatPaySandbox.sign(platform.getPrivate(), ts + "\n" + headerNonce + "\n" + body + "\n");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Wechatpay-Timestamp", ts);
        headers.put("Wechatpay-Nonce", headerNonce);
        headers.put("Wechatpay-Serial", SERIAL);
        headers.put("Wechatpay-Signature", signature);
        return KeepAliveConnection.post(url, headers, body);
    }

}
