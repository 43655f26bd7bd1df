package io.crmhub.crm.finance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.sandbox.SapSandboxServer;
import io.crmhub.support.HubProcess;
import io.crmhub.support.SharedPostgres;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two hub processes on one PostgreSQL store (a cluster of two instances, each with its own embedded broker and HTTP
 * port) poll one SAP for billing documents at the same time — on demand from both sides at once, and on their
 * schedules — while SAP keeps issuing invoices: every invoice is stored once with one {@code invoice.issued} event,
 * and the change-time windows the two read from SAP never overlap. Each hub reaches SAP through its own port of the
 * SAP stand-in (one SAP system, two application servers), so every billing-document read is known to be hub A's or
 * hub B's.
 *
 * <p>What "never poll the same window twice" means precisely: a page reads {@code LastChangeDateTime ge <watermark>}
 * (inclusive, as several records can share an instant), so its first record is the last one of the page before —
 * already stored, offered again and found unchanged. The window a read <em>adds</em> is therefore
 * {@code (watermark, last change returned]}; those windows, over both hubs' reads, must be disjoint and
 * contiguous (each starts where the one before ended), and each billing document must be new to exactly one read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoHubInvoicePollingIT {
    private static final String SAP_USER = "twohub-user";
    private static final String SAP_PASSWORD = "twohub-password";
    private static final String HUB_A = "hub-a";
    private static final String HUB_B = "hub-b";
    private static final int PAGE_SIZE = 25;
    private static final Pattern SINCE = Pattern.compile("LastChangeDateTime ge datetimeoffset'([^']+)'");
    private static final Pattern ODATA_DATE = Pattern.compile("/Date\\((\\d+).*");

    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong sequence = new AtomicLong();
    /** Every billing-document read either hub made, in the order SAP received them. */
    private final Queue<Read> reads = new ConcurrentLinkedQueue<>();
    private volatile Consumer<Read> onAnswer = r -> { };

    private SharedPostgres store;
    private SapSandboxServer sapA;
    private SapSandboxServer sapB;
    private HubProcess hubA;
    private HubProcess hubB;
    private final List<String> salesOrders = new ArrayList<>();
    private int issuedOn; // round-robin over the sales orders

    /** One billing-document read: which hub, when (SAP's arrival order), its lower bound and what SAP answered. */
    static final class Read {
        final String hub;
        final long seq;
        final Instant since;
        volatile List<Doc> docs; // null until answered

        Read(String hub, long seq, Instant since) {
            this.hub = hub;
            this.seq = seq;
            this.since = since;
        }

        /** The documents this read added: changed after its lower bound (the watermark it started from). */
        List<Doc> fresh() {
            return docs.stream().filter(d -> d.changedAt().isAfter(since)).toList();
        }

        Instant last() {
            return docs.stream().map(Doc::changedAt).max(Comparator.naturalOrder()).orElse(since);
        }

        @Override
        public String toString() {
            return hub + "#" + seq + " [" + since + ", " + (docs == null ? "unanswered" : last() + "] " + docs.size() + " docs");
        }
    }

    record Doc(String number, Instant changedAt) {
    }

    /** Records the billing-document reads arriving at one hub's SAP port. */
    private final class BillingReads implements ServeEventListener {
        private final String hub;
        private final Map<UUID, Read> open = new ConcurrentHashMap<>();

        BillingReads(String hub) {
            this.hub = hub;
        }

        @Override
        public String getName() {
            return "billing-reads";
        }

        @Override
        public boolean applyGlobally() {
            return true;
        }

        @Override
        public void beforeMatch(ServeEvent event, Parameters parameters) {
            String url = URLDecoder.decode(event.getRequest().getUrl(), StandardCharsets.UTF_8);
            Matcher since = SINCE.matcher(url);
            if (url.startsWith(SapBusinessPartnerSandbox.BILLING_PATH + "A_BillingDocument?") && since.find()) {
                Read read = new Read(hub, sequence.incrementAndGet(), Instant.parse(since.group(1)));
                reads.add(read);
                open.put(event.getId(), read);
            }
        }

        /** The answer is rendered (a stubbed delay comes after this): what SAP gave the hub for this window. */
        @Override
        public void beforeResponseSent(ServeEvent event, Parameters parameters) {
            Read read = open.remove(event.getId());
            if (read == null) {
                return;
            }
            List<Doc> docs = new ArrayList<>();
            try {
                for (JsonNode d : json.readTree(event.getResponse().getBodyAsString()).path("d").path("results")) {
                    Matcher at = ODATA_DATE.matcher(d.path("LastChangeDateTime").asText());
                    assertThat(at.matches()).isTrue();
                    docs.add(new Doc(d.path("BillingDocument").asText(), Instant.ofEpochMilli(Long.parseLong(at.group(1)))));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            read.docs = List.copyOf(docs);
            onAnswer.accept(read);
        }
    }

    @BeforeAll
    void startTwoHubsOnOneStore() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(SharedPostgres.available(), () -> "two hubs need a shared PostgreSQL and none answers at "
                + SharedPostgres.where() + " (PGHOST/PGPORT/PGUSER): skipped; on CI (CI=true) this fails instead");
        store = SharedPostgres.create("twohub");
        sapA = SapSandboxServer.start(0, SAP_USER, SAP_PASSWORD, new BillingReads(HUB_A));
        sapB = SapSandboxServer.start(0, sapA.sap(), new BillingReads(HUB_B)); // the same SAP system
        Path dir = Files.createTempDirectory("crmhub-twohub");
        hubA = HubProcess.start("twohub-a", HubProcess.freePort(), hubArguments(dir.resolve("a"), sapA));
        hubB = HubProcess.start("twohub-b", HubProcess.freePort(), hubArguments(dir.resolve("b"), sapB));
        hubA.awaitUp();
        hubB.awaitUp();

        // customers through hub A, their orders through hub B: one CRM store
        List<Long> customers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            customers.add(hubA.createCustomer("Two Hub Buyer " + i));
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> hubB.allLinked(customers));
        List<Long> orders = new ArrayList<>();
        for (long customer : customers) {
            orders.add(hubB.createConfirmedOrder(customer));
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> store.jdbc().sql(
                        "SELECT COUNT(*) FROM external_link WHERE entity_type = 'ORDER' AND last_status = 'SYNCED'")
                .query(Long.class).single() == orders.size());
        salesOrders.addAll(store.jdbc().sql("SELECT external_id FROM external_link WHERE entity_type = 'ORDER'").query(String.class).list());
        assertThat(salesOrders).hasSize(4).allSatisfy(o -> assertThat(sapA.sap().salesOrders()).containsKey(o));
    }

    @AfterAll
    void stop() throws Exception {
        for (HubProcess hub : new HubProcess[] {hubA, hubB}) {
            if (hub != null) {
                hub.kill();
            }
        }
        for (SapSandboxServer sap : new SapSandboxServer[] {sapA, sapB}) {
            if (sap != null) {
                sap.close();
            }
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    @Order(1)
    void bothHubsPollingAtOnceStoreEveryInvoiceOnceFromWindowsThatNeverOverlap() throws Exception {
        long started = System.nanoTime();
        issue(100); // four pages waiting
        Hammer hammer = new Hammer();
        try (hammer) {
            hammer.start(HUB_A, hubA, 2);
            hammer.start(HUB_B, hubB, 2);
            for (int burst = 0; burst < 10; burst++) { // more than a page at a time, while both hubs poll
                issue(30);
                Thread.sleep(300);
            }
            awaitAllStored();
        }
        assertThat(sapA.sap().billingDocuments()).hasSize(400);
        assertEveryInvoiceStoredOnce();
        List<Read> all = answered(null);
        assertWindowsDisjointAndContiguous(all);
        hammer.assertNoFailures();
        assertThat(hammer.polls(HUB_A)).as("on-demand polls answered by hub A").isPositive();
        assertThat(hammer.polls(HUB_B)).as("on-demand polls answered by hub B").isPositive();
        assertThat(poll(hubA).path("invoices").asInt()).as("hub A: nothing new after the last window").isZero();
        assertThat(poll(hubB).path("invoices").asInt()).as("hub B: nothing new after the last window").isZero();
        Map<String, Long> freshReads = all.stream().filter(r -> !r.fresh().isEmpty())
                .collect(Collectors.groupingBy(r -> r.hub, Collectors.counting()));
        assertThat(freshReads.getOrDefault(HUB_A, 0L)).as("reads by hub A that brought new invoices").isPositive();
        assertThat(freshReads.getOrDefault(HUB_B, 0L)).as("reads by hub B that brought new invoices").isPositive();
        List<Read> adding = all.stream().filter(r -> !r.fresh().isEmpty()).toList();
        long handovers = java.util.stream.IntStream.range(1, adding.size()).filter(i -> !adding.get(i).hub.equals(adding.get(i - 1).hub)).count();
        System.out.printf("[two-hub] invoices=%d reads=%s freshReads=%s handovers=%d onDemandPolls=A:%d,B:%d boundaryReReadsAcrossHubs=%d in %d ms%n",
                sapA.sap().billingDocuments().size(), all.stream().collect(Collectors.groupingBy(r -> r.hub, Collectors.counting())),
                freshReads, handovers, hammer.polls(HUB_A), hammer.polls(HUB_B), boundaryReReadsAcrossHubs(all),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Test
    @Order(2)
    void killingOneHubInTheMiddleOfAPageLetsTheOtherGoOnFromTheCommittedWatermark() throws Exception {
        long started = System.nanoTime();
        // hub A's reads now take SAP 1.5 s to answer: hub A sits in the middle of a page, holding the watermark row
        sapA.server().stubFor(get(urlPathEqualTo(SapBusinessPartnerSandbox.BILLING_PATH + "A_BillingDocument")).atPriority(5)
                .willReturn(aResponse().withTransformers(SapBusinessPartnerSandbox.NAME).withFixedDelay(1500)));
        CompletableFuture<Read> inFlight = new CompletableFuture<>();
        onAnswer = r -> {
            if (r.hub.equals(HUB_A) && !r.fresh().isEmpty()) {
                inFlight.complete(r);
            }
        };
        Read killed;
        int issuedBefore = sapA.sap().billingDocuments().size();
        Hammer hammer = new Hammer();
        AtomicBoolean issuing = new AtomicBoolean(true);
        Thread sap = new Thread(() -> {
            while (issuing.get()) {
                issue(30);
                sleep(200);
            }
        }, "twohub-sap-issuing");
        try (hammer) {
            sap.start();
            hammer.start(HUB_A, hubA, 1);
            hammer.start(HUB_B, hubB, 2);
            killed = inFlight.get(30, TimeUnit.SECONDS);
            hammer.dead(HUB_A);
            hubA.kill(); // SIGKILL while SAP holds hub A's answer: the page is read, nothing of it stored
            sleep(1500);
            issuing.set(false);
            sap.join();
            awaitAllStored();
        } finally {
            issuing.set(false);
            onAnswer = r -> { };
        }
        hammer.assertNoFailures();
        assertThat(sapA.sap().billingDocuments().size()).isGreaterThan(issuedBefore);

        List<Read> all = answered(killed);
        List<Read> after = all.stream().filter(r -> r.seq > killed.seq).toList();
        assertThat(after).as("no read by hub A after it died").allMatch(r -> r.hub.equals(HUB_B)).isNotEmpty();
        Read next = after.get(0);
        assertThat(next.since).as("hub B's first read after the kill starts from the watermark hub A had locked: nothing of "
                + "hub A's page was committed, and hub B skips nothing").isEqualTo(killed.since);
        assertThat(next.docs).as("hub B reads again what hub A was given").containsAll(killed.fresh());

        assertEveryInvoiceStoredOnce();
        assertWindowsDisjointAndContiguous(all); // over both tests, without hub A's page that never committed
        System.out.printf("[two-hub kill] killed=%s (%d new) nextByB=%s invoices=%d in %d ms%n", killed, killed.fresh().size(), next,
                sapA.sap().billingDocuments().size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    // ---- assertions ----

    /** (1) each SAP billing document is one row of the shared invoice table, (2) written once (version 1). */
    private void assertEveryInvoiceStoredOnce() {
        Set<String> inSap = new HashSet<>(sapA.sap().billingDocuments().keySet());
        List<String> stored = store.jdbc().sql("SELECT invoice_number FROM invoice").query(String.class).list();
        assertThat(stored).as("invoices stored: each SAP billing document once, none missing").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(inSap);
        assertThat(store.jdbc().sql("SELECT invoice_number FROM invoice WHERE version <> 1").query(String.class).list())
                .as("invoices written more than once: a re-read boundary record is found stored, not changed").isEmpty();
    }

    /**
     * (3) Over both hubs' reads: the windows they added, {@code (since, last]}, are disjoint and contiguous in the order
     * SAP received them (each starts at the previous one's last change: no gap, no overlap), and every billing
     * document is new to exactly one read; a document returned to more than one read is at the inclusive lower bound
     * of every other.
     */
    private void assertWindowsDisjointAndContiguous(List<Read> all) {
        List<Read> adding = all.stream().filter(r -> !r.fresh().isEmpty()).toList(); // in SAP's arrival order
        for (int i = 1; i < adding.size(); i++) {
            Read before = adding.get(i - 1);
            Read read = adding.get(i);
            assertThat(read.since).as("%s starts where %s ended", read, before).isEqualTo(before.last());
        }
        for (Read read : all) {
            assertThat(read.since).as("%s reads from the latest window's end, never from before it", read)
                    .isAfterOrEqualTo(adding.stream().filter(a -> a.seq < read.seq).map(Read::last).max(Comparator.naturalOrder())
                            .orElse(Instant.EPOCH));
        }
        Map<String, List<Read>> newTo = new HashMap<>();
        for (Read read : all) {
            read.fresh().forEach(d -> newTo.computeIfAbsent(d.number(), k -> new ArrayList<>()).add(read));
        }
        assertThat(newTo.keySet()).as("every billing document was read").containsExactlyInAnyOrderElementsOf(sapA.sap().billingDocuments().keySet());
        newTo.forEach((number, by) -> assertThat(by).as("reads to which %s was new", number).hasSize(1));
    }

    /**
     * Documents both hubs were given (for the report): as each document is new to exactly one read, every one of these
     * was the other hub's inclusive lower bound — the committed watermark, found stored.
     */
    private long boundaryReReadsAcrossHubs(List<Read> all) {
        Map<String, Set<String>> hubsByNumber = new HashMap<>();
        all.forEach(r -> r.docs.forEach(d -> hubsByNumber.computeIfAbsent(d.number(), k -> new HashSet<>()).add(r.hub)));
        return hubsByNumber.values().stream().filter(h -> h.size() == 2).count();
    }

    // ---- helpers ----

    /** Every read so far but {@code except}, once answered (a scheduled poll may be in the middle of one now). */
    private List<Read> answered(Read except) {
        long upTo = sequence.get();
        List<Read> all = reads.stream().filter(r -> r != except && r.seq <= upTo).sorted(Comparator.comparingLong(r -> r.seq)).toList();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(all).as("reads SAP answered (all but the killed hub's last)").allMatch(r -> r.docs != null));
        return all;
    }

    private synchronized void issue(int count) {
        for (int i = 0; i < count; i++) {
            sapA.sap().issueInvoice(salesOrders.get(issuedOn++ % salesOrders.size()));
        }
    }

    private void awaitAllStored() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                store.jdbc().sql("SELECT COUNT(*) FROM invoice").query(Long.class).single() >= sapA.sap().billingDocuments().size());
    }

    private JsonNode poll(HubProcess hub) throws Exception {
        HttpResponse<String> response = hub.post("finance", "/api/finance/invoices/poll", null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> hubArguments(Path dir, SapSandboxServer sap) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.artemis.embedded.data-directory=" + dir.resolve("artemis"), // a broker of its own
                "--crmhub.broker.tcp-acceptor=", // in-VM only: no port shared by the two brokers
                "--crmhub.sandbox.enabled=false",
                "--crmhub.mappings.override-dir=",
                "--crmhub.connectors.erp-sap.base-url=" + sap.baseUrl(),
                "--crmhub.connectors.erp-sap.username=" + SAP_USER,
                "--crmhub.connectors.erp-sap.password=" + SAP_PASSWORD,
                "--crmhub.connectors.erp-sap.gross-price-condition=" + io.crmhub.sandbox.SapBusinessPartnerSandbox.GROSS_PRICE_CONDITION,
                "--crmhub.retry.initial-delay-ms=100",
                "--crmhub.outbox.poll-interval=100ms",
                "--crmhub.outbox.lease-duration=3s",
                "--crmhub.invoices.page-size=" + PAGE_SIZE,
                "--crmhub.erp.poll-settle=0s", // invoices are issued and polled at once; WatermarkPollerIT covers the settle time
                "--crmhub.invoices.poll-interval=200ms",
                "--crmhub.invoices.initial-delay=1s"));
        args.addAll(store.hubArguments());
        return args;
    }

    /** Threads polling a hub on demand ({@code POST /api/finance/invoices/poll}) back to back until closed. */
    private static final class Hammer implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
        private final Set<String> dead = ConcurrentHashMap.newKeySet();
        private final Queue<String> failures = new ConcurrentLinkedQueue<>();

        void start(String name, HubProcess hub, int count) {
            polls.putIfAbsent(name, new AtomicInteger());
            for (int i = 0; i < count; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get() && !dead.contains(name)) {
                        try {
                            HttpResponse<String> r = hub.post("finance", "/api/finance/invoices/poll", null);
                            if (r.statusCode() == 200) {
                                polls.get(name).incrementAndGet();
                            } else if (!dead.contains(name)) {
                                failures.add(name + ": " + r.statusCode() + " " + r.body());
                            }
                        } catch (IOException e) {
                            if (!dead.contains(name)) {
                                failures.add(name + ": " + e);
                            }
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "twohub-poll-" + name + "-" + i);
                t.start();
                threads.add(t);
            }
        }

        /** This hub is about to be killed: its failing polls are expected from now on. */
        void dead(String name) {
            dead.add(name);
        }

        int polls(String name) {
            return polls.getOrDefault(name, new AtomicInteger()).get();
        }

        void assertNoFailures() {
            assertThat(failures).as("on-demand polls that failed").isEmpty();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }
}
