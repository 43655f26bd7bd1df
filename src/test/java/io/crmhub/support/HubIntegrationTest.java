package io.crmhub.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.sandbox.ProviderSandboxes;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole hub: web API, embedded Artemis, the real database (H2, or PostgreSQL in the PostgreSQL suite), Camel
 * flows and connectors, with WireMock standing in for SAP at the HTTP boundary.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class HubIntegrationTest {
    /** Decimals read exactly as sent ("50.20" stays "50.20"), so money assertions compare the wire text. */
    protected static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true)).build();

    @LocalServerPort
    protected int port;
    @Autowired
    protected TestRestTemplate http;
    @Autowired
    protected JdbcClient jdbc;
    @Autowired
    protected io.crmhub.events.Inbox inbox;
    @Autowired
    private ObjectMapper hubJson;
    @Autowired
    private org.springframework.beans.factory.ObjectProvider<org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ> broker;
    private static final java.util.concurrent.atomic.AtomicLong TRANSACTIONS = new java.util.concurrent.atomic.AtomicLong(System.nanoTime() % 1_000_000_000L);

    @DynamicPropertySource
    static void sap(DynamicPropertyRegistry registry) {
        TestDatabases.isolate(registry);
        // a test class with an SAP of its own sets crmhub.test.sap-url (the base class's properties are registered last)
        registry.add("crmhub.connectors.erp-sap.base-url", () -> "${crmhub.test.sap-url:" + SapTestServer.get().baseUrl() + "}");
        registry.add("crmhub.connectors.erp-sap.username", () -> SapTestServer.USER);
        registry.add("crmhub.connectors.erp-sap.password", () -> SapTestServer.PASSWORD);
        registry.add("crmhub.connectors.erp-sap.gross-price-condition", () -> io.crmhub.sandbox.SapBusinessPartnerSandbox.GROSS_PRICE_CONDITION);
    }

    @BeforeEach
    void resetSapFaults() {
        SapTestServer.wireMock().resetScenarios();
        ProviderSandboxes.removePlantedStubs(SapTestServer.wireMock());
    }

    /**
     * Waits until everything accepted so far has been processed: no event waits in the outbox and no flow queue of
     * the embedded broker holds a message, pending or in delivery, twice in a row. A test that asserts that something
     * did NOT happen (a duplicate not recorded twice) waits on this instead of sleeping.
     */
    protected void awaitFlowsIdle() {
        java.util.concurrent.atomic.AtomicInteger quietChecks = new java.util.concurrent.atomic.AtomicInteger();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> (unpublishedEvents() == 0 && flowMessages() == 0 ? quietChecks.incrementAndGet() : quietChecks.getAndSet(0)) >= 2);
    }

    private long unpublishedEvents() {
        return jdbc.sql("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL").query(Long.class).single();
    }

    /** Messages waiting or being delivered in the flows' queues (not the dead-letter and expiry queues). */
    private long flowMessages() {
        var server = broker.getObject().getActiveMQServer();
        long messages = 0;
        for (String name : server.getActiveMQServerControl().getQueueNames()) {
            if (name.startsWith("DLQ") || name.startsWith("ExpiryQueue") || name.startsWith("activemq.")) {
                continue;
            }
            var queue = server.locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of(name));
            if (queue != null) {
                messages += queue.getMessageCount() + queue.getDeliveringCount();
            }
        }
        return messages;
    }

    protected ResponseEntity<String> call(String user, HttpMethod method, String path, String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (user != null) {
            headers.setBasicAuth(user, user);
        }
        return http.exchange("http://127.0.0.1:" + port + path, method, new HttpEntity<>(body, headers), String.class);
    }

    protected static JsonNode json(ResponseEntity<String> response) {
        try {
            return JSON.readTree(response.getBody());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.getBody(), e);
        }
    }

    /** A valid, unique mainland mobile number, in E.164. */
    protected static String uniquePhone() {
        return "+86139" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    protected static String customerJson(String name, String phone, String country) {
        return """
                {"type":"ORGANIZATION","name":"%s","phone":"%s","address":{"countryCode":"%s","city":"Shanghai","street":"1 Bund Rd","postalCode":"200000"}}"""
                .formatted(name, phone, country);
    }

    protected long createCustomer(String name, String phone, String country) {
        ResponseEntity<String> created = call("sales", HttpMethod.POST, "/api/customers", customerJson(name, phone, country));
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        return json(created).path("id").asLong();
    }

    /** A confirmed order and the ERP's number for it, once the order flow has linked them. */
    /** Parked messages of {@code flow} for an entity ({@code order:12}, {@code payment:7}). */
    protected long parkedCount(String flow, String entityKey) {
        return jdbc.sql("SELECT COUNT(*) FROM parked_message WHERE flow = ? AND entity_key = ?").params(flow, entityKey)
                .query(Long.class).single();
    }

    protected String parkedReason(String flow, String entityKey) {
        return jdbc.sql("SELECT reason FROM parked_message WHERE flow = ? AND entity_key = ?").params(flow, entityKey)
                .query(String.class).single();
    }

    protected record SyncedOrder(long id, String externalId) {
    }

    /**
     * A confirmed order of 2 × 88.00 CNY for a new customer (tax-inclusive prices, VAT13: total 176.00 = 155.75 net +
     * 20.25 tax), waited for until it is in the ERP.
     */
    protected SyncedOrder confirmedOrderInErp(String buyer) {
        long customer = createCustomer(buyer + " " + System.nanoTime(), uniquePhone(), "CN");
        ResponseEntity<String> created = call("sales", HttpMethod.POST, "/api/orders", """
                {"customerId":%d,"currency":"CNY","status":"CONFIRMED",
                 "lines":[{"sku":"TEA-01","description":"Tea set","quantity":2,"unit":"EA","unitPrice":"88.00"}]}""".formatted(customer));
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        long id = json(created).path("id").asLong();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM external_link WHERE entity_type = 'ORDER' AND entity_id = ? AND last_status = 'SYNCED'")
                .param(id).query(Long.class).single() == 1);
        return new SyncedOrder(id, jdbc.sql("SELECT external_id FROM external_link WHERE entity_type = 'ORDER' AND entity_id = ?")
                .param(id).query(String.class).single());
    }

    /** A provider transaction id in WeChat Pay's 28-digit shape. */
    protected static String transactionId() {
        return "4200" + "%024d".formatted(TRANSACTIONS.incrementAndGet());
    }

    /** A verified notification, stored in the inbox as the webhook stores it; the hub processes it from there. */
    protected void notify(io.crmhub.crm.canonical.PaymentNotification.Kind kind, String reference, String txn, String amount) {
        io.crmhub.crm.canonical.PaymentNotification n = new io.crmhub.crm.canonical.PaymentNotification("wechatpay", "EVT-" + System.nanoTime(), kind, reference, txn,
                new java.math.BigDecimal(amount), "CNY", java.time.Instant.now(), kind == io.crmhub.crm.canonical.PaymentNotification.Kind.PAYMENT_SUCCEEDED ? "SUCCESS" : "REFUND");
        try {
            assertThat(inbox.accept(new io.crmhub.events.Inbox.Entry("wechatpay", n.eventId(), "test:" + kind, "payment", reference,
                    hubJson.writeValueAsString(n), "crm.payment.notified", null))).isEqualTo(io.crmhub.events.Inbox.Outcome.ACCEPTED);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A verified payment of {@code amount} CNY for the order: returns the provider's transaction id. */
    protected String paymentNotified(long orderId, String amount) {
        String txn = transactionId();
        notify(io.crmhub.crm.canonical.PaymentNotification.Kind.PAYMENT_SUCCEEDED, orderNumber(orderId), txn, amount);
        return txn;
    }

    protected long awaitPayment(String txn) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> jdbc.sql("SELECT COUNT(*) FROM payment WHERE provider_txn_id = ?")
                .param(txn).query(Long.class).single() == 1);
        return jdbc.sql("SELECT id FROM payment WHERE provider_txn_id = ?").param(txn).query(Long.class).single();
    }

    protected String awaitPosted(String entityType, long id) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM external_link WHERE entity_type = ? AND entity_id = ? AND last_status = 'SYNCED'")
                .params(entityType, id).query(Long.class).single() == 1);
        return jdbc.sql("SELECT external_id FROM external_link WHERE entity_type = ? AND entity_id = ?")
                .params(entityType, id).query(String.class).single();
    }

    protected String orderNumber(long orderId) {
        return jdbc.sql("SELECT order_number FROM sales_order WHERE id = ?").param(orderId).query(String.class).single();
    }

}
