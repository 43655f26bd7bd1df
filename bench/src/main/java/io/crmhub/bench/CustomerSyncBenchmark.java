package io.crmhub.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.crmhub.sandbox.SapSandboxServer;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Customer creates through the REST API → SAP (WireMock), next to the raw limit measured in the same run: a Camel
 * {@code jms:} consumer with the flow's consumer settings → HTTP POST to the same WireMock, no database.
 * Latency is from the API commit (the customer's createdAt) to SAP receiving the create.
 *
 * <pre>./mvnw -B -Pbench verify [-Dbench.warmup=4000 -Dbench.rate=200 -Dbench.lowRate=50 -Dbench.seconds=30 -Dbench.burst=4000 -Dbench.consumers=4]</pre>
 */
public final class CustomerSyncBenchmark {
    private static final Pattern REF = Pattern.compile("\"BusinessPartnerIDByExtSystem\":\"(CRM-C-\\d+)\"");
    private static final Pattern RAW_ID = Pattern.compile("\"id\":\"(raw-\\d+)\"");
    private static final Pattern REFERENCE = Pattern.compile("\"reference\":\"(CRM-C-\\d+)\"");
    private static final Pattern CREATED_AT = Pattern.compile("\"createdAt\":\"([^\"]+)\"");

    private final int rate = Integer.getInteger("bench.rate", 200);
    private final int seconds = Integer.getInteger("bench.seconds", 30);
    private final int burst = Integer.getInteger("bench.burst", 4000);
    private final int consumers = Integer.getInteger("bench.consumers", 4);
    /** Unmeasured events first, so both sides are measured JIT-compiled and with warm pools, not during start-up. */
    private final int warmup = Integer.getInteger("bench.warmup", 4000);
    /** A second, lower fixed rate, for latency when the hub is not saturated. */
    private final int lowRate = Integer.getInteger("bench.lowRate", 50);
    private final String hubJvmArgs = System.getProperty("bench.hubJvmArgs", "");
    /** JDBC URL of the hub's database; empty: the embedded H2 default (file, WRITE_DELAY=0). */
    private final String db = System.getProperty("bench.db", "");
    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
    private final Observer observer = new Observer();

    public static void main(String[] args) throws Exception {
        new CustomerSyncBenchmark().run(Path.of(args.length > 0 ? args[0] : "target/crm-hub-0.1.0-SNAPSHOT.jar"));
        System.exit(0);
    }

    record Result(String name, double throughput, long p50, long p99, long max, int count) {
        String line() {
            return "%-34s %6.0f events/s   p50 %5d ms   p99 %5d ms   max %5d ms   (n=%d)".formatted(name, throughput, p50, p99, max, count);
        }
    }

    /**
     * Sees each request as WireMock answers it: successful POSTs are counted and their arrival kept by key (our
     * reference, or the raw message id), instead of scanning WireMock's journal, which would load the CPU itself.
     */
    static final class Observer implements ServeEventListener {
        final Map<String, Long> arrivals = new ConcurrentHashMap<>();
        final AtomicLong posts = new AtomicLong();
        volatile long last;

        @Override
        public String getName() {
            return "bench-observer";
        }

        @Override
        public void beforeResponseSent(ServeEvent event, Parameters parameters) {
            var request = event.getRequest();
            if (!request.getMethod().getName().equals("POST") || event.getResponse().getStatus() / 100 != 2) {
                return;
            }
            long at = System.currentTimeMillis();
            String body = request.getBodyAsString();
            Matcher ref = REF.matcher(body);
            Matcher raw = RAW_ID.matcher(body);
            if (ref.find()) {
                arrivals.put(ref.group(1), at);
            } else if (raw.find()) {
                arrivals.put(raw.group(1), at);
            } else {
                return;
            }
            posts.incrementAndGet();
            last = Math.max(last, at);
        }

        void reset() {
            arrivals.clear();
            posts.set(0);
            last = 0;
        }
    }

    void run(Path jar) throws Exception {
        System.out.printf("machine: %d cores, %s %s, Java %s; warm-up %d, rates %d/s and %d/s for %d s, burst %d, %d consumers; hub database: %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), warmup, rate, lowRate, seconds, burst, consumers, db.isBlank() ? "embedded H2 file" : db);
        List<Result> results = new ArrayList<>();
        try (SapSandboxServer sap = SapSandboxServer.start(0, "bench", "bench-password", observer)) {
            sap.server().stubFor(post(urlPathEqualTo("/raw")).willReturn(aResponse().withStatus(201)
                    .withHeader("Content-Type", "application/json").withBody("{\"d\":{\"BusinessPartner\":\"1\"}}")));
            results.addAll(raw(sap));
            results.addAll(hub(sap, jar));
        }
        System.out.println();
        System.out.println("== results ==");
        results.forEach(r -> System.out.println(r.line()));
        System.out.printf("hub max throughput = %.0f %% of the raw limit; hub p99 at %d/s = %d ms (raw: %d ms)%n",
                100.0 * results.get(5).throughput() / results.get(2).throughput(), rate, results.get(3).p99(), results.get(0).p99());
        System.out.printf("hub p99 at %d/s = %d ms (raw: %d ms)%n", lowRate, results.get(4).p99(), results.get(1).p99());
    }

    // ---- raw limit: embedded persistent Artemis -> Camel jms consumer -> HTTP POST, no database ----

    private List<Result> raw(SapSandboxServer sap) throws Exception {
        Path dir = Files.createTempDirectory("bench-raw");
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(new ConfigurationImpl().setPersistenceEnabled(true).setSecurityEnabled(false)
                .setJournalDirectory(dir.resolve("journal").toString()).setBindingsDirectory(dir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString()).setPagingDirectory(dir.resolve("paging").toString())
                .setJournalBufferTimeout_NIO(100_000).setJMXManagementEnabled(false)
                .addAcceptorConfiguration("invm", "vm://7"));
        broker.start();
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("vm://7");
        CamelContext camel = new DefaultCamelContext();
        camel.addComponent("jms", JmsComponent.jmsComponent(cf));
        HttpClient client = HttpClient.newHttpClient();
        String url = sap.baseUrl() + "/raw";
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:bench.raw?transacted=true&lazyCreateTransactionManager=false&cacheLevelName=CACHE_CONSUMER&concurrentConsumers=" + consumers)
                        .routeId("bench.raw")
                        .process(e -> {
                            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(e.getMessage().getBody(String.class))).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 201) {
                                throw new IllegalStateException("raw POST " + r.statusCode());
                            }
                        });
            }
        });
        camel.start();
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        try (Connection connection = cf.createConnection()) {
            ThreadLocal<MessageProducer> producers = ThreadLocal.withInitial(() -> {
                try {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer p = session.createProducer(session.createQueue("bench.raw"));
                    p.setDeliveryMode(DeliveryMode.PERSISTENT);
                    return p;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ThreadLocal<Session> sessions = new ThreadLocal<>();
            Action send = i -> {
                String id = "raw-" + i;
                MessageProducer producer = producers.get();
                if (sessions.get() == null) {
                    sessions.set(connection.createSession(false, Session.AUTO_ACKNOWLEDGE));
                }
                sentAt.put(id, System.currentTimeMillis());
                producer.send(sessions.get().createTextMessage("{\"id\":\"" + id + "\"}"));
            };
            phase(send, warmup, 16, "raw-warm", sentAt); // warm-up
            Result fixed = fixedRate("raw limit @" + rate + "/s", send, sentAt);
            Result sustained = fixedRate("raw limit @" + lowRate + "/s", lowRate, send, sentAt);
            Result max = burst("raw limit, burst of " + burst, send, sentAt);
            return List.of(fixed, sustained, max);
        } finally {
            camel.stop();
            broker.stop();
        }
    }

    // ---- the hub in its own JVM: REST create -> DB + outbox -> relay -> Artemis -> flow -> SAP ----

    private List<Result> hub(SapSandboxServer sap, Path jar) throws Exception {
        try (BenchSupport.Hub hub = BenchSupport.startHub(jar, db, hubJvmArgs, List.of(
                "--crmhub.flows.customer-upsert.consumers=" + consumers,
                "--crmhub.connectors.erp-sap.base-url=" + sap.baseUrl(),
                "--crmhub.connectors.erp-sap.username=bench", "--crmhub.connectors.erp-sap.password=bench-password"))) {
            String base = hub.base();
            Map<String, Long> committedAt = new ConcurrentHashMap<>();
            Action create = i -> create(base, i, committedAt);
            phase(create, warmup, 16, "hub-warm", committedAt); // warm-up (JIT, pools, CSRF session)
            Result fixed = fixedRate("hub @" + rate + "/s", create, committedAt);
            // a rate the hub sustains, for its latency without a backlog
            Result sustained = fixedRate("hub @" + lowRate + "/s", lowRate, create, committedAt);
            Result max = burst("hub, burst of " + burst, create, committedAt);
            return List.of(fixed, sustained, max);
        }
    }

    private final AtomicLong sequence = new AtomicLong();

    private void create(String base, long i, Map<String, Long> committedAt) throws Exception {
        String body = "{\"type\":\"ORGANIZATION\",\"name\":\"Bench %d\",\"email\":\"bench-%d-%d@bench.example\",\"address\":{\"countryCode\":\"CN\",\"city\":\"Shanghai\"}}"
                .formatted(i, sequence.incrementAndGet(), System.nanoTime());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/customers"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("sales:sales".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        long now = System.currentTimeMillis();
        if (r.statusCode() != 201) {
            throw new IllegalStateException("create " + r.statusCode() + " " + r.body());
        }
        Matcher id = REFERENCE.matcher(r.body());
        Matcher created = CREATED_AT.matcher(r.body());
        if (id.find() && created.find()) {
            // the commit happened between createdAt and the response: createdAt is the conservative (earlier) bound
            committedAt.put(id.group(1), Math.min(now, Instant.parse(created.group(1)).toEpochMilli()));
        }
    }

    // ---- load shapes and statistics ----

    interface Action {
        void run(long i) throws Exception;
    }

    private final AtomicLong ids = new AtomicLong();

    /** A fixed arrival rate (open model): requests start on schedule whether or not earlier ones finished. */
    private Result fixedRate(String name, Action action, Map<String, Long> startedAt) throws Exception {
        return fixedRate(name, rate, action, startedAt);
    }

    private Result fixedRate(String name, int rate, Action action, Map<String, Long> startedAt) throws Exception {
        observer.reset();
        startedAt.clear();
        int total = rate * seconds;
        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(1);
        ExecutorService workers = Executors.newFixedThreadPool(64);
        AtomicLong issued = new AtomicLong();
        long base = ids.getAndAdd(total);
        long start = System.currentTimeMillis();
        var task = ticks.scheduleAtFixedRate(() -> {
            long n = issued.getAndIncrement();
            if (n < total) {
                workers.submit(() -> {
                    action.run(base + n);
                    return null;
                });
            }
        }, 0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
        waitUntil(Duration.ofSeconds(seconds + 120L), () -> issued.get() >= total);
        task.cancel(false);
        ticks.shutdown();
        workers.shutdown();
        workers.awaitTermination(300, TimeUnit.SECONDS);
        waitUntil(Duration.ofSeconds(600), () -> observer.posts.get() >= total);
        return summary(name, total * 1000.0 / (observer.last - start), latencies(startedAt));
    }

    /** As fast as the system goes: a burst with 32 concurrent producers; throughput is first send to last arrival. */
    private Result burst(String name, Action action, Map<String, Long> startedAt) throws Exception {
        observer.reset();
        startedAt.clear();
        long start = System.currentTimeMillis();
        phase(action, burst, 32, null, startedAt);
        waitUntil(Duration.ofSeconds(600), () -> observer.posts.get() >= burst);
        return summary(name, burst * 1000.0 / (observer.last - start), latencies(startedAt));
    }

    private void phase(Action action, int count, int concurrency, String warmName, Map<String, Long> startedAt) throws Exception {
        if (warmName != null) {
            observer.reset();
        }
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        Semaphore permits = new Semaphore(concurrency * 2);
        long base = ids.getAndAdd(count);
        for (long i = 0; i < count; i++) {
            long n = base + i;
            permits.acquire();
            pool.submit(() -> {
                try {
                    action.run(n);
                } catch (Exception e) {
                    e.printStackTrace();
                } finally {
                    permits.release();
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(600, TimeUnit.SECONDS);
        if (warmName != null) {
            waitUntil(Duration.ofSeconds(300), () -> observer.posts.get() >= count);
        }
    }

    private List<Long> latencies(Map<String, Long> startedAt) {
        List<Long> out = new ArrayList<>();
        startedAt.forEach((key, t0) -> {
            Long arrived = observer.arrivals.get(key);
            if (arrived != null) {
                out.add(arrived - t0);
            }
        });
        return out;
    }

    private static Result summary(String name, double throughput, List<Long> latencies) {
        if (latencies.isEmpty()) {
            return new Result(name, throughput, -1, -1, -1, 0);
        }
        return new Result(name, throughput, BenchSupport.percentile(latencies, 0.50), BenchSupport.percentile(latencies, 0.99),
                BenchSupport.percentile(latencies, 1.0), latencies.size());
    }

    private int get(String url) {
        return BenchSupport.status(http, url);
    }

    private static void waitUntil(Duration timeout, BooleanSupplier condition) throws Exception {
        BenchSupport.waitUntil(timeout, condition);
    }
}
