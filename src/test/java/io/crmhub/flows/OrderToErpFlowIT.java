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
import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.support.SapTestServer;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import java.util.ArrayList;
import java.util.List;

/**
 * crm-to-erp.order-upsert end to end with SAP API_SALES_ORDER_SRV (the sandbox behind WireMock). The scenarios are
 * {@link OrderToErpScenarios}, shared with {@link KingdeeOrderToErpFlowIT}.
 */
class OrderToErpFlowIT extends OrderToErpScenarios {
    private static final String SO_PATH = SapBusinessPartnerSandbox.SALES_ORDER_PATH + "A_SalesOrder";

    @Override
    String provider() {
        return "sap";
    }

    @Override
    WireMockServer erp() {
        return SapTestServer.wireMock();
    }

    @Override
    String createPath() {
        return SO_PATH;
    }

    @Override
    String sandboxTransformer() {
        return SapBusinessPartnerSandbox.NAME;
    }

    /** POSTs of a new sales order; one SAP refused for an expired CSRF token (and the client repeated) is not a create. */
    @Override
    long creates(String orderNumber) {
        return SapTestServer.wireMock().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().getName().equals("POST") && e.getRequest().getUrl().equals(SO_PATH)
                        && e.getRequest().getBodyAsString().contains(orderNumber) && e.getResponse().getStatus() != 403)
                .count();
    }

    @Override
    long ordersFor(String orderNumber) {
        return SapTestServer.sap().salesOrders().values().stream()
                .filter(o -> o.path("PurchaseOrderByCustomer").asText().equals(orderNumber)).count();
    }

    @Override
    String referenceInErp(String salesOrder) {
        return SapTestServer.sap().salesOrders().get(salesOrder).path("PurchaseOrderByCustomer").asText();
    }

    @Override
    /** What SAP will bill: net + tax of the open items, as its pricing found them (D46). */
    BigDecimal totalInErp(String salesOrder) {
        BigDecimal gross = BigDecimal.ZERO;
        for (JsonNode item : SapTestServer.sap().salesOrders().get(salesOrder).path("to_Item").path("results")) {
            if (item.path("SalesDocumentRjcnReason").asText("").isEmpty()) {
                gross = gross.add(new BigDecimal(item.path("NetAmount").asText("0"))).add(new BigDecimal(item.path("TaxAmount").asText("0")));
            }
        }
        return gross;
    }

    @Override
    void verifyCreated(Order order, String salesOrder, String partner) {
        ObjectNode sap = SapTestServer.sap().salesOrders().get(salesOrder);
        assertThat(sap.path("SoldToParty").asText()).isEqualTo(partner);
        assertThat(sap.path("TransactionCurrency").asText()).isEqualTo("CNY");
        // tax-inclusive prices (the default): 176.00 = 155.75 + 20.25 and 50.00 = 44.25 + 5.75, so the net is 200.00
        assertThat(sap.path("TotalNetAmount").asText()).isEqualTo("200.00"); // SAP's text, rounded to the cent
        assertThat(sap.path("to_Item").path("results").get(1).path("RequestedQuantityUnit").asText()).isEqualTo("KG");
        SapTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(SO_PATH))
                .withHeader("x-csrf-token", com.github.tomakehurst.wiremock.client.WireMock.matching(".+"))
                .withRequestBody(matchingJsonPath("$.SalesOrganization", equalTo("1710")))
                .withRequestBody(matchingJsonPath("$.to_Item[0].SalesOrderItem", equalTo("10")))
                .withRequestBody(matchingJsonPath("$.to_Item[0].to_PricingElement[0].ConditionRateValue", equalTo("88")))
                .withRequestBody(matchingJsonPath("$.to_Item[0].to_PricingElement[0].ConditionType",
                        equalTo(io.crmhub.sandbox.SapBusinessPartnerSandbox.GROSS_PRICE_CONDITION)))
                .withRequestBody(matchingJsonPath("$.to_Item[0].ProductTaxClassification1", equalTo("1")))
                .withRequestBody(containing(order.number())));
    }

    /** Items patched in place, the removed line rejected with reason 61, the new line added as item 30. */
    @Override
    void verifyChangedLines(String salesOrder) {
        JsonNode items = SapTestServer.sap().salesOrders().get(salesOrder).path("to_Item").path("results");
        List<String> state = new ArrayList<>();
        items.forEach(i -> state.add(i.path("SalesOrderItem").asText() + ":" + i.path("RequestedQuantity").asText() + ":"
                + i.path("SalesDocumentRjcnReason").asText("")));
        assertThat(state).containsExactlyInAnyOrder("10:3:", "20:1:61", "30:4:");
    }

    /** Every item rejected: the order's rejection status is C. */
    @Override
    void verifyCancelled(String salesOrder) {
        assertThat(SapTestServer.sap().salesOrders().get(salesOrder).path("OverallSDDocumentRejectionSts").asText()).isEqualTo("C");
    }

    /** Billed: SAP's document flow marks the order delivered and completely processed. */
    @Override
    void deliverAndCompleteInErp(String salesOrder) {
        SapTestServer.sap().issueInvoice(salesOrder);
    }

    // ---- SAP only ----

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
        assertThat(creates(throttled.number())).as("429, 503, then created").isEqualTo(3);

        String refused = "Refused tea " + System.nanoTime();
        wm.stubFor(post(urlPathEqualTo(SO_PATH)).atPriority(1).withRequestBody(containing(refused)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"V1/320\",\"message\":{\"lang\":\"en\",\"value\":\"Sold-to party is blocked for sales\"}}}")));
        Order blocked = createOrder(customer, "CONFIRMED", """
                {"sku":"TG11","description":"%s","quantity":1,"unit":"EA","unitPrice":"3.00"}""".formatted(refused));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM parked_message WHERE flow = 'crm-to-erp.order-upsert' AND reason LIKE '%Sold-to party is blocked%' AND entity_key = ?")
                .param("order:" + blocked.id()).query(Long.class).single() == 1);
        assertThat(creates(blocked.number())).as("a permanent refusal is not retried").isEqualTo(1);
    }

    @Override
    java.util.function.Supplier<JsonNode> handToAnother(String salesOrder, String otherOrderNumber) {
        ObjectNode record = SapTestServer.sap().salesOrders().get(salesOrder);
        synchronized (record) {
            record.put("PurchaseOrderByCustomer", otherOrderNumber);
        }
        return () -> SapTestServer.sap().salesOrders().get(salesOrder);
    }
}
