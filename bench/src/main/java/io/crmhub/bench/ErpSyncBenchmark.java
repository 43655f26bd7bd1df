package io.crmhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.sandbox.SapSandboxServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ERP sync for finance (issue 3), next to the raw limits measured in the same run against the same SAP sandbox:
 * <ul>
 *   <li><b>orders/s CRM → ERP</b>: confirmed orders created through the REST API until SAP has received each sales
 *       order; latency = API answer (commit) → SAP receiving the create. Raw limit: the same deep-insert POSTs sent
 *       straight to the sandbox with the same concurrency (CSRF session, no CRM, no broker).</li>
 *   <li><b>invoice ingest rows/s</b>: billing documents read by {@code POST /api/finance/invoices/poll} (paged by
 *       change time, matched to orders, stored with their events and the watermark). Raw limit: the same pages read
 *       straight from the sandbox, not stored.</li>
 * </ul>
 *
 * <pre>./mvnw -B -Pbench verify -Dbench.main=io.crmhub.bench.ErpSyncBenchmark [-Dbench.orders=2000 -Dbench.invoices=10000 -Dbench.clients=16 -Dbench.db=…]</pre>
 */
public final class ErpSyncBenchmark {
    private static final Pattern PO = Pattern.compile("\"PurchaseOrderByCustomer\":\"([^\"]+)\"");
    private static final String SALES_ORDERS = SapBusinessPartnerSandbox.SALES_ORDER_PATH + "A_SalesOrder";
    private final int orders = Integer.getInteger("bench.orders", 2000);
    private final int invoices = Integer.getInteger("bench.invoices", 10000);
    private final int clients = Integer.getInteger("bench.clients", 16);
    private final int customers = 50;
    /** Normal load: orders per second for the latency figure without a backlog. */
    private final int normalRate = Integer.getInteger("bench.lowRate", 10);
    private final String db = System.getProperty("bench.db", "");
    private final String hubJvmArgs = System.getProperty("bench.hubJvmArgs", "");
    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final Arrivals arrivals = new Arrivals();

    public static void main(String[] args) throws Exception {
        new ErpSyncBenchmark().run(Path.of(args.length > 0 ? args[0] : "target/crm-hub-0.1.0-SNAPSHOT.jar"));
        System.exit(0);
    }

    /** When SAP answered each sales order create, by our order number: measured in the sandbox, not by scanning its journal. */
    static final class Arrivals implements ServeEventListener {
        final Map<String, Long> at = new ConcurrentHashMap<>();

        @Override
        public String getName() {
            return "bench-arrivals";
        }

        @Override
        public void beforeResponseSent(ServeEvent event, Parameters parameters) {
            if (event.getRequest().getMethod().getName().equals("POST") && event.getResponse().getStatus() == 201
                    && event.getRequest().getUrl().startsWith(SALES_ORDERS)) {
                Matcher po = PO.matcher(event.getRequest().getBodyAsString());
                if (po.find()) {
                    at.put(po.group(1), System.currentTimeMillis());
                }
            }
        }
    }

    record Line(String name, double perSecond, String unit, long p50, long p99, int count) {
        String text() {
            return p50 < 0 ? "%-44s %8.0f %s   (%d)".formatted(name, perSecond, unit, count)
                    : "%-44s %8.0f %s   p50 %5d ms   p99 %5d ms   (%d)".formatted(name, perSecond, unit, p50, p99, count);
        }
    }

    void run(Path jar) throws Exception {
        System.out.printf("machine: %d cores, %s %s, Java %s; %d orders, %d invoices, %d clients; hub database: %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), orders, invoices, clients, db.isBlank() ? "embedded H2 file" : db);
        List<Line> results = new ArrayList<>();
        try (SapSandboxServer sap = SapSandboxServer.start(0, "bench", "bench-password", arrivals)) {
            results.add(rawOrders(sap));
            try (BenchSupport.Hub hub = BenchSupport.startHub(jar, db, hubJvmArgs, List.of(
                    "--crmhub.connectors.erp-sap.base-url=" + sap.baseUrl(),
                    "--crmhub.connectors.erp-sap.username=bench", "--crmhub.connectors.erp-sap.password=bench-password",
                    "--crmhub.invoices.initial-delay=1h", "--crmhub.orders.erp-status-initial-delay=1h", "--crmhub.erp.poll-settle=0s"))) {
                results.addAll(hubOrders(hub.base(), sap));
                List<String> salesOrders = new ArrayList<>(sap.sap().salesOrders().values().stream()
                        .filter(o -> o.path("PurchaseOrderByCustomer").asText().startsWith("SO-"))
                        .map(o -> o.path("SalesOrder").asText()).toList());
                for (int i = 0; i < invoices; i++) {
                    sap.sap().issueInvoice(salesOrders.get(i % salesOrders.size()));
                }
                results.add(rawInvoices(sap));
                results.add(hubInvoices(hub.base()));
            }
        }
        System.out.println();
        System.out.println("== results ==");
        results.forEach(r -> System.out.println(r.text()));
    }

    // ---- orders ----

    private Line rawOrders(SapSandboxServer sap) throws Exception {
        String partner = "1999999";
        sap.sap().partners().put(partner, json.createObjectNode().put("BusinessPartner", partner).put("BusinessPartnerIDByExtSystem", "RAW"));
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(sap.baseUrl() + SapBusinessPartnerSandbox.SALES_ORDER_PATH))
                .header("Authorization", basic("bench", "bench-password")).header("x-csrf-token", "fetch").build(), HttpResponse.BodyHandlers.ofString());
        String csrf = token.headers().firstValue("x-csrf-token").orElseThrow();
        String cookies = String.join("; ", token.headers().allValues("set-cookie").stream().map(c -> c.split(";")[0]).toList());
        Map<String, Long> sent = new ConcurrentHashMap<>();
        long t0 = System.currentTimeMillis();
        parallel(orders, i -> {
            String number = "RAW-" + i;
            sent.put(number, System.currentTimeMillis());
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sap.baseUrl() + SALES_ORDERS))
                    .header("Authorization", basic("bench", "bench-password")).header("x-csrf-token", csrf).header("Cookie", cookies)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(salesOrderBody(partner, number))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("raw create answered " + r.statusCode() + ": " + r.body());
            }
        });
        long elapsed = System.currentTimeMillis() - t0;
        return new Line("raw limit: sales order POSTs to SAP", orders * 1000.0 / elapsed, "orders/s", latency(sent, 0.5), latency(sent, 0.99), orders);
    }

    private List<Line> hubOrders(String base, SapSandboxServer sap) throws Exception {
        List<Long> customerIds = new ArrayList<>();
        for (int i = 0; i < customers; i++) {
            customerIds.add(post(base + "/api/customers", """
                    {"type":"ORGANIZATION","name":"Bench Buyer %d %d","email":"buyer-%d-%d@bench.example","address":{"countryCode":"CN"}}"""
                    .formatted(i, System.nanoTime(), i, System.nanoTime())).path("id").asLong());
        }
        BenchSupport.waitUntil(Duration.ofSeconds(60), () -> sap.sap().partners().values().stream()
                .filter(p -> p.path("BusinessPartnerIDByExtSystem").asText().startsWith("CRM-C-")).count() >= customers);
        Map<String, Long> committed = new ConcurrentHashMap<>();
        int warm = Math.min(500, orders / 4);
        parallel(warm, i -> createOrder(base, customerIds.get(i % customers), committed)); // warm-up: JIT, pools, CSRF session
        BenchSupport.waitUntil(Duration.ofSeconds(120), () -> committed.keySet().stream().allMatch(arrivals.at::containsKey));
        committed.clear();
        long t0 = System.currentTimeMillis();
        parallel(orders, i -> createOrder(base, customerIds.get(i % customers), committed));
        BenchSupport.waitUntil(Duration.ofMinutes(10), () -> committed.keySet().stream().allMatch(arrivals.at::containsKey));
        long last = committed.keySet().stream().mapToLong(arrivals.at::get).max().orElse(t0);
        Line burst = new Line("hub: burst, confirmed order → SAP sales order", orders * 1000.0 / (last - t0), "orders/s",
                latency(committed, 0.5), latency(committed, 0.99), orders);
        // normal load: a steady rate well below the maximum, 20 s long, for the latency an order actually sees
        committed.clear();
        int steady = normalRate * 20;
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> sends = new ArrayList<>();
        for (int i = 0; i < steady; i++) {
            long due = start + i * 1_000_000_000L / normalRate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            int n = i;
            sends.add(pool.submit(() -> {
                createOrder(base, customerIds.get(n % customers), committed);
                return null;
            }));
        }
        for (Future<?> f : sends) {
            f.get();
        }
        pool.shutdown();
        BenchSupport.waitUntil(Duration.ofMinutes(2), () -> committed.keySet().stream().allMatch(arrivals.at::containsKey));
        Line normal = new Line("hub: " + normalRate + " orders/s (normal load), order → SAP", normalRate, "orders/s",
                latency(committed, 0.5), latency(committed, 0.99), steady);
        return List.of(burst, normal);
    }

    private void createOrder(String base, long customer, Map<String, Long> committed) throws Exception {
        JsonNode order = post(base + "/api/orders", """
                {"customerId":%d,"currency":"CNY","status":"CONFIRMED",
                 "lines":[{"sku":"TEA-01","description":"Tea set","quantity":2,"unit":"EA","unitPrice":"88.00"},
                          {"sku":"TEA-02","quantity":0.5,"unit":"KG","unitPrice":"99.99"}]}""".formatted(customer));
        committed.put(order.path("orderNumber").asText(), System.currentTimeMillis());
    }

    // ---- invoices ----

    private Line rawInvoices(SapSandboxServer sap) throws Exception {
        long t0 = System.currentTimeMillis();
        int rows = 0;
        String since = "1970-01-01T00:00:00.000Z";
        while (true) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(sap.baseUrl() + "/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/"
                    + "A_BillingDocument?$filter=LastChangeDateTime%20ge%20datetimeoffset'" + since + "'&$orderby=LastChangeDateTime%20asc&$top=500&$expand=to_Item"))
                    .header("Authorization", basic("bench", "bench-password")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode results = json.readTree(page.body()).path("d").path("results");
            rows += results.size();
            if (results.size() < 500) {
                break;
            }
            String last = results.get(results.size() - 1).path("LastChangeDateTime").asText().replaceAll("/Date\\((\\d+).*", "$1");
            since = java.time.Instant.ofEpochMilli(Long.parseLong(last) + 1).toString();
        }
        long elapsed = System.currentTimeMillis() - t0;
        return new Line("raw limit: billing document pages from SAP", rows * 1000.0 / elapsed, "rows/s", -1, -1, rows);
    }

    private Line hubInvoices(String base) throws Exception {
        long t0 = System.currentTimeMillis();
        JsonNode outcome = post(base + "/api/finance/invoices/poll", "", "finance");
        long elapsed = System.currentTimeMillis() - t0;
        int stored = outcome.path("invoices").asInt();
        if (stored < invoices) {
            throw new IllegalStateException("the hub stored " + stored + " of " + invoices + " invoices: " + outcome);
        }
        return new Line("hub: ERP invoices read, matched, stored", stored * 1000.0 / elapsed, "rows/s", -1, -1, stored);
    }

    // ---- plumbing ----

    private interface Task {
        void run(int i) throws Exception;
    }

    private void parallel(int count, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong next = new AtomicLong();
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            workers.add(pool.submit(() -> {
                for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    task.run((int) i);
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        pool.shutdown();
    }

    private long latency(Map<String, Long> started, double p) {
        List<Long> values = new ArrayList<>();
        started.forEach((number, t) -> {
            Long at = arrivals.at.get(number);
            if (at != null) {
                values.add(Math.max(0, at - t));
            }
        });
        return BenchSupport.percentile(values, p);
    }

    private JsonNode post(String url, String body) throws Exception {
        return post(url, body, "sales");
    }

    private JsonNode post(String url, String body, String user) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", basic(user, user)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return json.readTree(r.body());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String salesOrderBody(String partner, String number) {
        return """
                {"SalesOrderType":"OR","SalesOrganization":"1710","DistributionChannel":"10","OrganizationDivision":"00",
                 "SoldToParty":"%s","PurchaseOrderByCustomer":"%s","TransactionCurrency":"CNY",
                 "to_Item":[{"SalesOrderItem":"10","Material":"TEA-01","SalesOrderItemText":"Tea set","RequestedQuantity":"2","RequestedQuantityUnit":"EA",
                             "to_PricingElement":[{"ConditionType":"PR00","ConditionRateValue":"88","ConditionCurrency":"CNY"}]},
                            {"SalesOrderItem":"20","Material":"TEA-02","RequestedQuantity":"0.5","RequestedQuantityUnit":"KG",
                             "to_PricingElement":[{"ConditionType":"PR00","ConditionRateValue":"99.99","ConditionCurrency":"CNY"}]}]}"""
                .formatted(partner, number);
    }
}
