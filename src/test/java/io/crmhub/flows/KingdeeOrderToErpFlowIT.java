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
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.crmhub.sandbox.KingdeeSandbox;
import io.crmhub.support.KingdeeHubIntegrationTest;
import io.crmhub.support.KingdeeTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * The same crm-to-erp.order-upsert flow as {@link OrderToErpFlowIT}, with {@code crmhub.erp.provider=kingdee}: a
 * confirmed order → outbox → Artemis → flow → Kingdee SAL_SaleOrder (the sandbox behind WireMock) → external link →
 * the order's timeline.
 */
class KingdeeOrderToErpFlowIT extends KingdeeHubIntegrationTest {
    private static final String SAVE = KingdeeSandbox.SAVE_PATH;

    @Test
    void aConfirmedOrderBecomesOneKingdeeSalesOrderForItsCustomerWithExactAmounts() {
        long customer = createCustomer("Kingdee Order Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("2", "EA", "88.00") + "," + line(2, "0.5", "KG", "99.99"));
        String billNo = awaitSynced(order.id(), 1);

        assertThat(billNo).isEqualTo(order.number());
        ObjectNode kd = KingdeeTestServer.kingdee().salesOrder(billNo);
        String customerNumber = jdbc.sql("SELECT external_id FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ?")
                .param(customer).query(String.class).single();
        assertThat(kd.path("FCustId").path("FNumber").asText()).isEqualTo(customerNumber);
        assertThat(kd.path("FSaleOrderFinance").path("FSettleCurrId").path("FNumber").asText()).isEqualTo("PRE001");
        assertThat(kd.path("FBillAllAmount").decimalValue()).isEqualByComparingTo("226.00"); // 176.00 + 49.995 → 226.00
        assertThat(kd.path("FSaleOrderEntry").get(1).path("FUnitID").path("FNumber").asText()).isEqualTo("kg");
        assertThat(kd.path("FSaleOrderEntry").get(1).path("FTaxPrice").decimalValue()).as("sent as an exact decimal")
                .isEqualByComparingTo("99.99");
        assertThat(kd.path("FSaleOrderEntry").get(1).path("FQty").decimalValue()).isEqualByComparingTo("0.5");
        KingdeeTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(SAVE))
                .withRequestBody(matchingJsonPath("$.formid", equalTo("SAL_SaleOrder")))
                .withRequestBody(matchingJsonPath("$.data.Model.FID", equalTo("0")))
                .withRequestBody(matchingJsonPath("$.data.Model.FBillTypeID.FNumber", equalTo("XSDD01_SYS")))
                .withRequestBody(matchingJsonPath("$.data.Model.FSaleOrgId.FNumber", equalTo("100")))
                .withRequestBody(matchingJsonPath("$.data.Model.FSaleOrderEntry[0].FMaterialId.FNumber", equalTo("TG11")))
                .withRequestBody(matchingJsonPath("$.data.Model.FBillNo", equalTo(order.number()))));

        List<String> kinds = new ArrayList<>();
        JsonNode timeline = json(call("sales", HttpMethod.GET, "/api/orders/" + order.id() + "/timeline", null));
        timeline.path("events").forEach(e -> kinds.add(e.path("kind").asText() + " " + e.path("externalId").asText()));
        assertThat(kinds).containsExactly("ERP_ORDER_CREATED " + billNo);
    }

    @Test
    void aLostAnswerIsRetriedWithoutASecondSalesOrder() {
        long customer = createCustomer("Kingdee Lost Order Co " + System.nanoTime(), uniquePhone(), "CN");
        awaitCustomerSynced(customer);
        String marker = "Lost answer tea " + System.nanoTime();
        KingdeeTestServer.wireMock().stubFor(post(urlPathEqualTo(SAVE)).atPriority(1).withRequestBody(containing(marker))
                .inScenario("lost").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("done")
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER).withTransformers(KingdeeSandbox.NAME)));
        Order order = createOrder(customer, "CONFIRMED", """
                {"sku":"TG11","description":"%s","quantity":1,"unit":"EA","unitPrice":"12.30"}""".formatted(marker));
        String billNo = awaitSynced(order.id(), 1);
        assertThat(creates(order.number())).as("one create, whose answer was lost").isEqualTo(1);
        assertThat(KingdeeTestServer.kingdee().salesOrders().values().stream()
                .filter(o -> o.path("FBillNo").asText().equals(order.number())).count()).isEqualTo(1);
        assertThat(billNo).isEqualTo(order.number());
    }

    @Test
    void changesReSaveTheOrderWithItsEntriesAndACancellationClosesIt() {
        long customer = createCustomer("Kingdee Change Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("2", "EA", "5.00") + "," + line(2, "1", "EA", "7.00"));
        String billNo = awaitSynced(order.id(), 1);
        long firstEntry = KingdeeTestServer.kingdee().salesOrder(billNo).path("FSaleOrderEntry").get(0).path("FEntryID").asLong();

        update(order.id(), customer, "CONFIRMED", lines("3", "EA", "5.00") + "," + line(3, "4", "KG", "1.25")); // line 2 gone, 3 new
        awaitSynced(order.id(), 2);
        ObjectNode kd = KingdeeTestServer.kingdee().salesOrder(billNo);
        List<String> state = new ArrayList<>();
        kd.path("FSaleOrderEntry").forEach(e -> state.add(e.path("FMaterialId").path("FNumber").asText() + ":"
                + e.path("FQty").decimalValue().stripTrailingZeros().toPlainString() + ":" + e.path("FUnitID").path("FNumber").asText()));
        assertThat(state).containsExactly("TG11:3:Pcs", "TG13:4:kg");
        assertThat(kd.path("FSaleOrderEntry").get(0).path("FEntryID").asLong()).as("line 1 kept its entry").isEqualTo(firstEntry);
        assertThat(kd.path("FBillAllAmount").decimalValue()).isEqualByComparingTo("20.00");

        update(order.id(), customer, "CANCELLED", lines("3", "EA", "5.00") + "," + line(3, "4", "KG", "1.25"));
        awaitSynced(order.id(), 3);
        assertThat(KingdeeTestServer.kingdee().salesOrder(billNo).path("FCloseStatus").asText()).isEqualTo("B");
        KingdeeTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(KingdeeSandbox.OPERATION_PATH))
                .withRequestBody(matchingJsonPath("$.opNumber", equalTo("BillClose")))
                .withRequestBody(matchingJsonPath("$.data.Numbers[0]", equalTo(billNo))));
        assertThat(creates(order.number())).isEqualTo(1);
    }

    @Test
    void anUnmappedUnitParksTheOrderNamingTheTableAndTheCode() {
        long customer = createCustomer("Kingdee Unit Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("1", "DRM", "10.00"));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM parked_message WHERE flow = 'crm-to-erp.order-upsert' AND entity_key = ?")
                .param("order:" + order.id()).query(Long.class).single() == 1);
        assertThat(jdbc.sql("SELECT reason FROM parked_message WHERE flow = 'crm-to-erp.order-upsert' AND entity_key = ?")
                .param("order:" + order.id()).query(String.class).single()).isEqualTo("value map kingdee/unit v1 has no entry for 'DRM'");
        assertThat(creates(order.number())).isZero();
    }

    @Test
    void anOrderKingdeesValidationRefusesIsParkedAtOnceWithKingdeesFieldAndMessage() {
        long customer = createCustomer("Kingdee Unknown Customer Co " + System.nanoTime(), uniquePhone(), "CN");
        awaitCustomerSynced(customer);
        // the customer link names a number Kingdee does not hold: Kingdee's own check refuses FCustId inside HTTP 200
        jdbc.sql("UPDATE external_link SET external_id = ? WHERE entity_type = 'CUSTOMER' AND entity_id = ?")
                .params("NOT-IN-KINGDEE", customer).update();
        Order order = createOrder(customer, "CONFIRMED", lines("1", "EA", "10.00"));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM parked_message WHERE flow = 'crm-to-erp.order-upsert' AND entity_key = ?")
                .param("order:" + order.id()).query(Long.class).single() == 1);
        String reason = jdbc.sql("SELECT reason FROM parked_message WHERE entity_key = ?").param("order:" + order.id())
                .query(String.class).single();
        assertThat(reason).contains("Save SAL_SaleOrder").contains("[FCustId]").contains("NOT-IN-KINGDEE");
        assertThat(creates(order.number())).isEqualTo(1);
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

    private long creates(String orderNumber) {
        return KingdeeTestServer.wireMock().findAll(postRequestedFor(urlPathEqualTo(SAVE))
                .withRequestBody(matchingJsonPath("$.data.Model.FBillNo", equalTo(orderNumber)))
                .withRequestBody(matchingJsonPath("$.data.Model.FID", equalTo("0")))).size();
    }
}
