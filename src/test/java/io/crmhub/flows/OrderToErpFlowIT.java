package io.crmhub.flows;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Fault;
import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * crm-to-erp.order-upsert end to end: a confirmed order → outbox → Artemis → flow → SAP API_SALES_ORDER_SRV
 * (the sandbox behind WireMock) → external link → the order's timeline.
 */
class OrderToErpFlowIT extends HubIntegrationTest {
    private static final String SO_PATH = SapBusinessPartnerSandbox.SALES_ORDER_PATH + "A_SalesOrder";

    @Test
    void aConfirmedOrderBecomesOneSapSalesOrderForItsCustomersPartnerWithExactAmounts() {
        long customer = createCustomer("Order Sync Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("2", "EA", "88.00") + "," + line(2, "0.5", "KG", "99.99"));
        String salesOrder = awaitSynced(order.id(), 1);

        ObjectNode sap = SapTestServer.sap().salesOrders().get(salesOrder);
        String partner = jdbc.sql("SELECT external_id FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ?")
                .param(customer).query(String.class).single();
        assertThat(sap.path("SoldToParty").asText()).isEqualTo(partner);
        assertThat(sap.path("PurchaseOrderByCustomer").asText()).isEqualTo(order.number());
        assertThat(sap.path("TransactionCurrency").asText()).isEqualTo("CNY");
        assertThat(sap.path("TotalNetAmount").asText()).isEqualTo("226.00"); // 2 × 88.00 + 0.5 × 99.99 = 225.995 → SAP rounds
        assertThat(sap.path("to_Item").path("results").get(1).path("RequestedQuantityUnit").asText()).isEqualTo("KG");
        SapTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(SO_PATH))
                .withHeader("x-csrf-token", com.github.tomakehurst.wiremock.client.WireMock.matching(".+"))
                .withRequestBody(matchingJsonPath("$.SalesOrganization", equalTo("1710")))
                .withRequestBody(matchingJsonPath("$.to_Item[0].SalesOrderItem", equalTo("10")))
                .withRequestBody(matchingJsonPath("$.to_Item[0].to_PricingElement[0].ConditionRateValue", equalTo("88")))
                .withRequestBody(containing(order.number())));

        List<String> kinds = new ArrayList<>();
        JsonNode timeline = json(call("sales", HttpMethod.GET, "/api/orders/" + order.id() + "/timeline", null));
        timeline.path("events").forEach(e -> kinds.add(e.path("kind").asText() + " " + e.path("externalId").asText()));
        assertThat(kinds).containsExactly("ERP_ORDER_CREATED " + salesOrder);
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.crmhub.crm.order.ErpOrderProgress erpProgress;

    @Test
    void theErpsProgressOnTheOrderReachesItsTimelineOncePerChange() {
        long customer = createCustomer("Progress Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("1", "EA", "10.00"));
        String salesOrder = awaitSynced(order.id(), 1);
        erpProgress.poll();
        SapTestServer.sap().issueInvoice(salesOrder); // billed: SAP marks it delivered and completed
        erpProgress.poll();
        erpProgress.poll(); // nothing new: no second entry

        List<String> statuses = new ArrayList<>();
        json(call("sales", HttpMethod.GET, "/api/orders/" + order.id() + "/timeline", null)).path("events").forEach(e -> {
            if (e.path("kind").asText().equals("ERP_STATUS_CHANGED")) {
                statuses.add(e.path("description").asText());
            }
        });
        assertThat(statuses).containsExactly("ERP order " + salesOrder + ": OPEN, not delivered",
                "ERP order " + salesOrder + ": COMPLETED, delivered");
    }

    @Test
    void draftsStayInTheCrmAndAreSentOnceConfirmed() {
        long customer = createCustomer("Draft Sync Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "DRAFT", lines("1", "EA", "10.00"));
        await().atMost(Duration.ofSeconds(20)).until(() -> journal(order.id(), "SKIPPED") == 1);
        assertThat(countPosts(order.number())).isZero();

        update(order.id(), customer, "CONFIRMED", lines("1", "EA", "10.00"));
        String salesOrder = awaitSynced(order.id(), 2);
        assertThat(SapTestServer.sap().salesOrders().get(salesOrder).path("PurchaseOrderByCustomer").asText()).isEqualTo(order.number());
    }

    @Test
    void aLostAnswerIsRetriedWithoutASecondSalesOrder() {
        long customer = createCustomer("Lost Answer Co " + System.nanoTime(), uniquePhone(), "CN");
        awaitCustomerSynced(customer);
        String marker = "Lost answer tea " + System.nanoTime();
        // SAP creates the order, but the answer never reaches the hub (connection reset after the work is done)
        SapTestServer.wireMock().stubFor(post(urlPathEqualTo(SO_PATH)).atPriority(1).withRequestBody(containing(marker))
                .inScenario("lost").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED).willSetStateTo("done")
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER).withTransformers(SapBusinessPartnerSandbox.NAME)));
        Order order = createOrder(customer, "CONFIRMED", """
                {"sku":"TG11","description":"%s","quantity":1,"unit":"EA","unitPrice":"12.30"}""".formatted(marker));
        String salesOrder = awaitSynced(order.id(), 1);
        assertThat(countPosts(order.number())).isEqualTo(1);
        assertThat(SapTestServer.sap().salesOrders().values().stream()
                .filter(o -> o.path("PurchaseOrderByCustomer").asText().equals(order.number())).count()).isEqualTo(1);
        assertThat(salesOrder).isNotBlank();
    }

    @Test
    void changesPatchTheItemsAndACancellationRejectsThemAll() {
        long customer = createCustomer("Change Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("2", "EA", "5.00") + "," + line(2, "1", "EA", "7.00"));
        String salesOrder = awaitSynced(order.id(), 1);

        update(order.id(), customer, "CONFIRMED", lines("3", "EA", "5.00") + "," + line(3, "4", "KG", "1.25")); // line 2 gone, 3 new
        awaitSynced(order.id(), 2);
        JsonNode items = SapTestServer.sap().salesOrders().get(salesOrder).path("to_Item").path("results");
        List<String> state = new ArrayList<>();
        items.forEach(i -> state.add(i.path("SalesOrderItem").asText() + ":" + i.path("RequestedQuantity").asText() + ":"
                + i.path("SalesDocumentRjcnReason").asText("")));
        assertThat(state).containsExactlyInAnyOrder("10:3:", "20:1:61", "30:4:");
        assertThat(SapTestServer.sap().salesOrders().get(salesOrder).path("TotalNetAmount").asText()).isEqualTo("20.00");

        update(order.id(), customer, "CANCELLED", lines("3", "EA", "5.00") + "," + line(3, "4", "KG", "1.25"));
        awaitSynced(order.id(), 3);
        assertThat(SapTestServer.sap().salesOrders().get(salesOrder).path("OverallSDDocumentRejectionSts").asText()).isEqualTo("C");
        assertThat(countPosts(order.number())).isEqualTo(1);
    }

    @Test
    void throttlingIsWaitedOutAndAPermanentRefusalIsParkedWithSapsMessage() {
        long customer = createCustomer("Throttled Co " + System.nanoTime(), uniquePhone(), "CN");
        awaitCustomerSynced(customer);
        String marker = "Throttled tea " + System.nanoTime();
        var wm = SapTestServer.wireMock();
        wm.stubFor(post(urlPathEqualTo(SO_PATH)).atPriority(1).withRequestBody(containing(marker))
                .inScenario("throttled").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED).willSetStateTo("burst")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
        wm.stubFor(post(urlPathEqualTo(SO_PATH)).atPriority(1).withRequestBody(containing(marker))
                .inScenario("throttled").whenScenarioStateIs("burst").willSetStateTo("healthy")
                .willReturn(aResponse().withStatus(503)));
        Order throttled = createOrder(customer, "CONFIRMED", """
                {"sku":"TG11","description":"%s","quantity":1,"unit":"EA","unitPrice":"3.00"}""".formatted(marker));
        awaitSynced(throttled.id(), 1);
        assertThat(countPosts(throttled.number())).as("429, 503, then created").isEqualTo(3);

        String refused = "Refused tea " + System.nanoTime();
        wm.stubFor(post(urlPathEqualTo(SO_PATH)).atPriority(1).withRequestBody(containing(refused)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"V1/320\",\"message\":{\"lang\":\"en\",\"value\":\"Sold-to party is blocked for sales\"}}}")));
        Order blocked = createOrder(customer, "CONFIRMED", """
                {"sku":"TG11","description":"%s","quantity":1,"unit":"EA","unitPrice":"3.00"}""".formatted(refused));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM parked_message WHERE flow = 'crm-to-erp.order-upsert' AND reason LIKE '%Sold-to party is blocked%' AND entity_key = ?")
                .param("order:" + blocked.id()).query(Long.class).single() == 1);
        assertThat(countPosts(blocked.number())).as("a permanent refusal is not retried").isEqualTo(1);
    }

    @Test
    void anUnmappedUnitParksTheOrderNamingTheTableAndTheCode() {
        long customer = createCustomer("Unit Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("1", "DRM", "10.00"));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM parked_message WHERE flow = 'crm-to-erp.order-upsert' AND reason LIKE ?")
                .param("%'DRM'%").query(Long.class).single() == 1);
        assertThat(jdbc.sql("SELECT reason FROM parked_message WHERE flow = 'crm-to-erp.order-upsert' AND reason LIKE ?")
                .param("%'DRM'%").query(String.class).single()).contains("sap/unit").contains("'DRM'");
        assertThat(countPosts(order.number())).isZero();
    }

    // ---- helpers ----

    private record Order(long id, String number) {
    }

    private Order createOrder(long customer, String status, String lines) {
        ResponseEntity<String> created = call("sales", HttpMethod.POST, "/api/orders", """
                {"customerId":%d,"currency":"CNY","status":"%s","lines":[%s]}""".formatted(customer, status, lines));
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        JsonNode order = json(created);
        return new Order(order.path("id").asLong(), order.path("orderNumber").asText());
    }

    private void update(long id, long customer, String status, String lines) {
        ResponseEntity<String> updated = call("sales", HttpMethod.PUT, "/api/orders/" + id, """
                {"customerId":%d,"currency":"CNY","status":"%s","lines":[%s]}""".formatted(customer, status, lines));
        assertThat(updated.getStatusCode().value()).as(updated.getBody()).isEqualTo(200);
    }

    private static String lines(String quantity, String unit, String price) {
        return line(1, quantity, unit, price);
    }

    private static String line(int n, String quantity, String unit, String price) {
        return """
                {"sku":"TG1%d","description":"Tea %d","quantity":%s,"unit":"%s","unitPrice":"%s"}""".formatted(n, n, quantity, unit, price);
    }

    private String awaitSynced(long orderId, long version) {
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                        "SELECT COUNT(*) FROM external_link WHERE entity_type = 'ORDER' AND entity_id = ? AND synced_version >= ?")
                .params(orderId, version).query(Long.class).single() == 1);
        return jdbc.sql("SELECT external_id FROM external_link WHERE entity_type = 'ORDER' AND entity_id = ?")
                .param(orderId).query(String.class).single();
    }

    private void awaitCustomerSynced(long customer) {
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ?").param(customer)
                .query(Long.class).single() == 1);
    }

    private long journal(long orderId, String outcome) {
        return jdbc.sql("SELECT COUNT(*) FROM sync_journal WHERE entity_type = 'ORDER' AND entity_id = ? AND outcome = ?")
                .params(orderId, outcome).query(Long.class).single();
    }

    private long countPosts(String orderNumber) {
        return SapTestServer.wireMock().findAll(postRequestedFor(urlPathEqualTo(SO_PATH)).withRequestBody(containing(orderNumber))).size();
    }
}
