package io.crmhub.flows;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.crmhub.crm.order.ErpOrderProgress;
import io.crmhub.support.HubIntegrationTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * crm-to-erp.order-upsert end to end, whatever the installation's ERP: a confirmed order → outbox → Artemis → flow →
 * the ERP's sales order (its sandbox behind WireMock) → external link → the order's timeline. Each ERP's test class
 * supplies how to observe and disturb its ERP; the scenarios are the same for all.
 */
abstract class OrderToErpScenarios extends HubIntegrationTest {

    record Order(long id, String number) {
    }

    // ---- what each ERP supplies ----

    abstract String provider();

    abstract WireMockServer erp();

    /** Where a new sales order is sent. */
    abstract String createPath();

    abstract String sandboxTransformer();

    /** Create requests sent for our order number. */
    abstract long creates(String orderNumber);

    /** Sales orders the ERP holds for our order number. */
    abstract long ordersFor(String orderNumber);

    /** Our order number as the ERP's sales order carries it. */
    abstract String referenceInErp(String externalId);

    /** The ERP's total of the order (net in SAP, tax-inclusive in Kingdee: both are the CRM total). */
    abstract BigDecimal totalInErp(String externalId);

    /**
     * The created order for {@code order} with lines 2 × EA 88.00 and 0.5 × KG 99.99: customer, currency, units and
     * the ERP's create call as the ERP spells them.
     */
    abstract void verifyCreated(Order order, String externalId, String customerExternalId);

    /** After the change to 3 × EA 5.00 (line 1) and a new line 4 × KG 1.25 (line 2 removed). */
    abstract void verifyChangedLines(String externalId);

    abstract void verifyCancelled(String externalId);

    /** The ERP ships the order in full and completes it (the same in the ERP's terms: SAP's billing, Kingdee's close). */
    abstract void deliverAndCompleteInErp(String externalId);

    /**
     * What a restore from backup does: the linked sales order now belongs to another order, carrying its number.
     * Returns how to read that record's current state.
     */
    abstract java.util.function.Supplier<JsonNode> handToAnother(String externalId, String otherOrderNumber);

    // ---- scenarios ----

    @Test
    void aChangeThroughALinkToASalesOrderNowCarryingAnotherNumberIsParkedAndRelinkCreatesOurs() {
        long customer = createCustomer("Restored ERP Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("2", "EA", "88.00"));
        String salesOrder = awaitSynced(order.id(), 1);
        String other = "SO-99" + order.number().substring(5);
        var foreign = handToAnother(salesOrder, other);
        JsonNode before = foreign.get().deepCopy();

        update(order.id(), customer, "CONFIRMED", lines("5", "EA", "88.00"));
        await().atMost(Duration.ofSeconds(20)).until(() -> parked(order.id()) == 1);
        assertThat(parkedReason(order.id())).contains(salesOrder, order.number(), "relink");
        assertThat(foreign.get()).as("the sales order that is not ours was not written").isEqualTo(before);

        long parkedId = jdbc.sql("SELECT id FROM parked_message WHERE entity_key = ?").param("order:" + order.id()).query(Long.class).single();
        var relinked = call("engineer", HttpMethod.POST, "/api/ops/failures/" + parkedId + "/relink", "{\"reason\":\"ERP restored\"}");
        assertThat(relinked.getStatusCode().value()).as(relinked.getBody()).isEqualTo(200);
        String now = awaitSynced(order.id(), 2);
        assertThat(referenceInErp(now)).isEqualTo(order.number());
        assertThat(ordersFor(order.number())).isEqualTo(1);
        assertThat(totalInErp(now)).isEqualByComparingTo("440.00");
        assertThat(foreign.get()).as("still untouched").isEqualTo(before);
    }

    @Test
    void aConfirmedOrderBecomesOneErpSalesOrderForItsCustomerWithExactAmounts() {
        long customer = createCustomer("Order Sync Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("2", "EA", "88.00") + "," + line(2, "0.5", "KG", "99.99"));
        String salesOrder = awaitSynced(order.id(), 1);

        String customerExternalId = jdbc.sql("SELECT external_id FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ?")
                .param(customer).query(String.class).single();
        assertThat(referenceInErp(salesOrder)).isEqualTo(order.number());
        assertThat(totalInErp(salesOrder)).isEqualByComparingTo("226.00"); // 2 × 88.00 + 0.5 × 99.99 = 225.995 → rounded
        verifyCreated(order, salesOrder, customerExternalId);
        assertThat(creates(order.number())).isEqualTo(1);

        List<String> kinds = new ArrayList<>();
        JsonNode timeline = json(call("sales", HttpMethod.GET, "/api/orders/" + order.id() + "/timeline", null));
        timeline.path("events").forEach(e -> kinds.add(e.path("kind").asText() + " " + e.path("externalId").asText()));
        assertThat(kinds).containsExactly("ERP_ORDER_CREATED " + salesOrder);
    }

    @Test
    void draftsStayInTheCrmAndAreSentOnceConfirmed() {
        long customer = createCustomer("Draft Sync Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "DRAFT", lines("1", "EA", "10.00"));
        await().atMost(Duration.ofSeconds(20)).until(() -> journal(order.id(), "SKIPPED") == 1);
        assertThat(creates(order.number())).isZero();

        update(order.id(), customer, "CONFIRMED", lines("1", "EA", "10.00"));
        String salesOrder = awaitSynced(order.id(), 2);
        assertThat(referenceInErp(salesOrder)).isEqualTo(order.number());
        assertThat(creates(order.number())).isEqualTo(1);
    }

    @Test
    void aLostAnswerIsRetriedWithoutASecondSalesOrder() {
        long customer = createCustomer("Lost Answer Co " + System.nanoTime(), uniquePhone(), "CN");
        awaitCustomerSynced(customer);
        String marker = "Lost answer tea " + System.nanoTime();
        // the ERP creates the order, but the answer never reaches the hub (connection reset after the work is done)
        erp().stubFor(post(urlPathEqualTo(createPath())).atPriority(1).withRequestBody(containing(marker))
                .inScenario("lost").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("done")
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER).withTransformers(sandboxTransformer())));
        Order order = createOrder(customer, "CONFIRMED", """
                {"sku":"TG11","description":"%s","quantity":1,"unit":"EA","unitPrice":"12.30"}""".formatted(marker));
        String salesOrder = awaitSynced(order.id(), 1);
        assertThat(creates(order.number())).as("one create, whose answer was lost").isEqualTo(1);
        assertThat(ordersFor(order.number())).isEqualTo(1);
        assertThat(salesOrder).isNotBlank();
    }

    @Test
    void changesReachTheSameSalesOrderAndACancellationCancelsItThere() {
        long customer = createCustomer("Change Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("2", "EA", "5.00") + "," + line(2, "1", "EA", "7.00"));
        String salesOrder = awaitSynced(order.id(), 1);

        update(order.id(), customer, "CONFIRMED", lines("3", "EA", "5.00") + "," + line(3, "4", "KG", "1.25")); // line 2 gone, 3 new
        assertThat(awaitSynced(order.id(), 2)).isEqualTo(salesOrder);
        verifyChangedLines(salesOrder);
        assertThat(totalInErp(salesOrder)).isEqualByComparingTo("20.00");
        assertThat(reconciliationRows(order.number())).as("customer, items, amount and status agree after the change").isEmpty();

        update(order.id(), customer, "CANCELLED", lines("3", "EA", "5.00") + "," + line(3, "4", "KG", "1.25"));
        assertThat(awaitSynced(order.id(), 3)).isEqualTo(salesOrder);
        verifyCancelled(salesOrder);
        assertThat(creates(order.number())).isEqualTo(1);
        assertThat(ordersFor(order.number())).isEqualTo(1);
    }

    @Test
    void anUnmappedUnitParksTheOrderNamingTheTableAndTheCode() {
        long customer = createCustomer("Unit Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("1", "DRM", "10.00"));
        await().atMost(Duration.ofSeconds(30)).until(() -> parked(order.id()) == 1);
        assertThat(parkedReason(order.id())).isEqualTo("value map " + provider() + "/unit v1 has no entry for 'DRM'");
        assertThat(creates(order.number())).isZero();
    }

    @Test
    void theErpsProgressOnTheOrderReachesItsTimelineOncePerChange() {
        long customer = createCustomer("Progress Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("1", "EA", "10.00") + "," + line(2, "2", "KG", "3.00"));
        String salesOrder = awaitSynced(order.id(), 1);
        erpProgress.poll();
        deliverAndCompleteInErp(salesOrder);
        erpProgress.poll();
        erpProgress.poll(); // nothing new: no second entry

        assertThat(erpStatuses(order.id())).containsExactly("ERP order " + salesOrder + ": OPEN, not delivered",
                "ERP order " + salesOrder + ": COMPLETED, delivered");
    }

    // ---- helpers ----

    @Autowired
    ErpOrderProgress erpProgress;

    /** The order's ERP_STATUS_CHANGED timeline entries, oldest first. */
    List<String> erpStatuses(long orderId) {
        List<String> statuses = new ArrayList<>();
        json(call("sales", HttpMethod.GET, "/api/orders/" + orderId + "/timeline", null)).path("events").forEach(e -> {
            if (e.path("kind").asText().equals("ERP_STATUS_CHANGED")) {
                statuses.add(e.path("description").asText());
            }
        });
        return statuses;
    }

    /** Today's reconciliation rows naming this order. */
    List<String> reconciliationRows(String orderNumber) {
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        var answer = call("finance", HttpMethod.GET, "/api/finance/reconciliation?from=" + today + "&to=" + today, null);
        assertThat(answer.getStatusCode().value()).as(answer.getBody()).isEqualTo(200);
        List<String> rows = new ArrayList<>();
        json(answer).path("mismatches").forEach(m -> {
            if (orderNumber.equals(m.path("reference").asText())) {
                rows.add(m.toString());
            }
        });
        return rows;
    }

    Order createOrder(long customer, String status, String lines) {
        ResponseEntity<String> created = call("sales", HttpMethod.POST, "/api/orders", """
                {"customerId":%d,"currency":"CNY","status":"%s","lines":[%s]}""".formatted(customer, status, lines));
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        JsonNode order = json(created);
        return new Order(order.path("id").asLong(), order.path("orderNumber").asText());
    }

    void update(long id, long customer, String status, String lines) {
        ResponseEntity<String> updated = call("sales", HttpMethod.PUT, "/api/orders/" + id, """
                {"customerId":%d,"currency":"CNY","status":"%s","lines":[%s]}""".formatted(customer, status, lines));
        assertThat(updated.getStatusCode().value()).as(updated.getBody()).isEqualTo(200);
    }

    static String lines(String quantity, String unit, String price) {
        return line(1, quantity, unit, price);
    }

    static String line(int n, String quantity, String unit, String price) {
        return """
                {"sku":"TG1%d","description":"Tea %d","quantity":%s,"unit":"%s","unitPrice":"%s"}""".formatted(n, n, quantity, unit, price);
    }

    String awaitSynced(long orderId, long version) {
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                        "SELECT COUNT(*) FROM external_link WHERE entity_type = 'ORDER' AND entity_id = ? AND synced_version >= ?")
                .params(orderId, version).query(Long.class).single() == 1);
        return jdbc.sql("SELECT external_id FROM external_link WHERE entity_type = 'ORDER' AND entity_id = ?")
                .param(orderId).query(String.class).single();
    }

    void awaitCustomerSynced(long customer) {
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ?").param(customer)
                .query(Long.class).single() == 1);
    }

    long journal(long orderId, String outcome) {
        return jdbc.sql("SELECT COUNT(*) FROM sync_journal WHERE entity_type = 'ORDER' AND entity_id = ? AND outcome = ?")
                .params(orderId, outcome).query(Long.class).single();
    }

    long parked(long orderId) {
        return parkedCount("crm-to-erp.order-upsert", "order:" + orderId);
    }

    String parkedReason(long orderId) {
        return parkedReason("crm-to-erp.order-upsert", "order:" + orderId);
    }
}
