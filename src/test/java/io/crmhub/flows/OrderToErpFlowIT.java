package io.crmhub.flows;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.support.SapTestServer;
import java.math.BigDecimal;
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
    BigDecimal totalInErp(String salesOrder) {
        return new BigDecimal(SapTestServer.sap().salesOrders().get(salesOrder).path("TotalNetAmount").asText());
    }

    @Override
    void verifyCreated(Order order, String salesOrder, String partner) {
        ObjectNode sap = SapTestServer.sap().salesOrders().get(salesOrder);
        assertThat(sap.path("SoldToParty").asText()).isEqualTo(partner);
        assertThat(sap.path("TransactionCurrency").asText()).isEqualTo("CNY");
        assertThat(sap.path("TotalNetAmount").asText()).isEqualTo("226.00"); // SAP's text, rounded to the cent
        assertThat(sap.path("to_Item").path("results").get(1).path("RequestedQuantityUnit").asText()).isEqualTo("KG");
        SapTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(SO_PATH))
                .withHeader("x-csrf-token", com.github.tomakehurst.wiremock.client.WireMock.matching(".+"))
                .withRequestBody(matchingJsonPath("$.SalesOrganization", equalTo("1710")))
                .withRequestBody(matchingJsonPath("$.to_Item[0].SalesOrderItem", equalTo("10")))
                .withRequestBody(matchingJsonPath("$.to_Item[0].to_PricingElement[0].ConditionRateValue", equalTo("88")))
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
}
