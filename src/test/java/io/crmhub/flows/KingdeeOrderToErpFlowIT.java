package io.crmhub.flows;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmhub.crm.order.ErpOrderProgress;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmhub.sandbox.KingdeeSandbox;
import io.crmhub.support.KingdeeHub;
import io.crmhub.support.KingdeeTestServer;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same crm-to-erp.order-upsert scenarios as {@link OrderToErpFlowIT} ({@link OrderToErpScenarios}), with
 * {@code crmhub.erp.provider=kingdee}: the ERP order is a Kingdee {@code SAL_SaleOrder} (the sandbox behind WireMock).
 */
class KingdeeOrderToErpFlowIT extends OrderToErpScenarios implements KingdeeHub {
    private static final String SAVE = KingdeeSandbox.SAVE_PATH;

    @Test
    void anOrderKingdeesValidationRefusesIsParkedAtOnceWithKingdeesFieldAndMessage() {
        long customer = createCustomer("Kingdee Unknown Customer Co " + System.nanoTime(), uniquePhone(), "CN");
        awaitCustomerSynced(customer);
        // the customer link names a number Kingdee does not hold: Kingdee's own check refuses FCustId inside HTTP 200
        jdbc.sql("UPDATE external_link SET external_id = ? WHERE entity_type = 'CUSTOMER' AND entity_id = ?")
                .params("NOT-IN-KINGDEE", customer).update();
        Order order = createOrder(customer, "CONFIRMED", lines("1", "EA", "10.00"));
        await().atMost(Duration.ofSeconds(30)).until(() -> parked(order.id()) == 1);
        assertThat(parkedReason(order.id())).contains("Save SAL_SaleOrder").contains("[FCustId]").contains("NOT-IN-KINGDEE");
        assertThat(creates(order.number())).isEqualTo(1);
    }

    @Test
    void eachStepOfKingdeesProgressReachesTheTimelineAndAnOrderClosedBeforeDeliveryIsRejected() {
        long customer = createCustomer("Kingdee Steps Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("4", "EA", "10.00") + "," + line(2, "2", "KG", "3.00"));
        String billNo = awaitSynced(order.id(), 1);
        KingdeeSandbox kingdee = KingdeeTestServer.kingdee();
        kingdee.audit(billNo);
        erpProgress.poll();
        kingdee.deliverPartially(billNo);
        erpProgress.poll();
        kingdee.close(billNo); // the rest will not be shipped
        erpProgress.poll();
        assertThat(erpStatuses(order.id())).containsExactly("ERP order " + billNo + ": IN_PROCESS, not delivered",
                "ERP order " + billNo + ": IN_PROCESS, partially delivered", "ERP order " + billNo + ": COMPLETED, partially delivered");

        Order cancelled = createOrder(customer, "CONFIRMED", lines("1", "EA", "10.00"));
        String cancelledBill = awaitSynced(cancelled.id(), 1);
        update(cancelled.id(), customer, "CANCELLED", lines("1", "EA", "10.00")); // the hub closes it in Kingdee
        awaitSynced(cancelled.id(), 2);
        erpProgress.poll();
        assertThat(erpStatuses(cancelled.id())).containsExactly("ERP order " + cancelledBill + ": REJECTED, not delivered");
    }

    @Test
    void anUnmappedKingdeeStatusIsParkedNamingTheTableAndTheCodeWhileOthersGoOnAndAReplayAfterTheFixTakesItOver() {
        long customer = createCustomer("Kingdee Odd Status Co " + System.nanoTime(), uniquePhone(), "CN");
        Order order = createOrder(customer, "CONFIRMED", lines("1", "EA", "10.00"));
        Order other = createOrder(customer, "CONFIRMED", lines("2", "EA", "10.00"));
        String billNo = awaitSynced(order.id(), 1);
        String otherBill = awaitSynced(other.id(), 1);
        erpProgress.poll();
        KingdeeTestServer.kingdee().status(billNo, "FDocumentStatus", "X"); // a status this installation's table does not know
        KingdeeTestServer.kingdee().audit(otherBill);
        try {
            erpProgress.poll(); // goes on past the order it cannot read
            assertThat(parkedReason(ErpOrderProgress.FLOW, "order:" + order.id()))
                    .isEqualTo("ERP order " + billNo + ": value map kingdee/order-status v1 has no entry for 'FDocumentStatus=X'");
            assertThat(erpStatuses(order.id())).containsExactly("ERP order " + billNo + ": OPEN, not delivered");
            assertThat(erpStatuses(other.id())).containsExactly("ERP order " + otherBill + ": OPEN, not delivered",
                    "ERP order " + otherBill + ": IN_PROCESS, not delivered");

            // the engineer fixes the table (here: the code becomes one it knows, without a new change in Kingdee) and replays
            KingdeeTestServer.kingdee().salesOrder(billNo).put("FDocumentStatus", "C");
            long parkedId = jdbc.sql("SELECT id FROM parked_message WHERE flow = ? AND entity_key = ?")
                    .params(ErpOrderProgress.FLOW, "order:" + order.id()).query(Long.class).single();
            JsonNode replay = json(call("engineer", org.springframework.http.HttpMethod.POST, "/api/ops/failures/" + parkedId + "/replay",
                    "{\"reason\":\"order-status table fixed\"}"));
            assertThat(replay.path("replayed").asInt()).as(replay.toString()).isEqualTo(1);
            // the rewind makes the poller read at once, not at its next interval
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(erpStatuses(order.id())).containsExactly("ERP order " + billNo + ": OPEN, not delivered",
                    "ERP order " + billNo + ": IN_PROCESS, not delivered"));
            assertThat(jdbc.sql("SELECT status FROM parked_message WHERE id = ?").param(parkedId).query(String.class).single())
                    .isEqualTo("RESOLVED");
        } finally {
            KingdeeTestServer.kingdee().status(billNo, "FDocumentStatus", "C"); // the sandbox is shared: never leave it unreadable
        }
    }

    /** Audited, stocked out in full and closed: what Kingdee's order looks like once its business is done. */
    @Override
    void deliverAndCompleteInErp(String billNo) {
        KingdeeSandbox kingdee = KingdeeTestServer.kingdee();
        kingdee.audit(billNo);
        kingdee.deliverFully(billNo);
        kingdee.close(billNo);
    }

    private Timestamp watermark() {
        return jdbc.sql("SELECT watermark FROM poll_watermark WHERE name = 'erp-order-status:erp-kingdee'").query(Timestamp.class).single();
    }

    @Override
    String provider() {
        return "kingdee";
    }

    @Override
    WireMockServer erp() {
        return KingdeeTestServer.wireMock();
    }

    @Override
    String createPath() {
        return SAVE;
    }

    @Override
    String sandboxTransformer() {
        return KingdeeSandbox.NAME;
    }

    /** Saves of a new sales order: {@code FID 0} with our order number as {@code FBillNo}. */
    @Override
    long creates(String orderNumber) {
        return KingdeeTestServer.wireMock().findAll(postRequestedFor(urlPathEqualTo(SAVE))
                .withRequestBody(matchingJsonPath("$.data.Model.FBillNo", equalTo(orderNumber)))
                .withRequestBody(matchingJsonPath("$.data.Model.FID", equalTo("0")))).size();
    }

    @Override
    long ordersFor(String orderNumber) {
        return KingdeeTestServer.kingdee().salesOrders().values().stream()
                .filter(o -> o.path("FBillNo").asText().equals(orderNumber)).count();
    }

    @Override
    String referenceInErp(String billNo) {
        return KingdeeTestServer.kingdee().salesOrder(billNo).path("FBillNo").asText();
    }

    @Override
    BigDecimal totalInErp(String billNo) {
        return KingdeeTestServer.kingdee().salesOrder(billNo).path("FBillAllAmount").decimalValue();
    }

    @Override
    void verifyCreated(Order order, String billNo, String customerNumber) {
        ObjectNode kd = KingdeeTestServer.kingdee().salesOrder(billNo);
        assertThat(kd.path("FCustId").path("FNumber").asText()).isEqualTo(customerNumber);
        assertThat(kd.path("FSaleOrderFinance").path("FSettleCurrId").path("FNumber").asText()).isEqualTo("PRE001");
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
    }

    /** The order re-saved with its FID: line 1 keeps its entry with the new quantity, line 2 deleted, line 3 added. */
    @Override
    void verifyChangedLines(String billNo) {
        ObjectNode kd = KingdeeTestServer.kingdee().salesOrder(billNo);
        List<String> state = new ArrayList<>();
        kd.path("FSaleOrderEntry").forEach(e -> state.add(e.path("FMaterialId").path("FNumber").asText() + ":"
                + e.path("FQty").decimalValue().stripTrailingZeros().toPlainString() + ":" + e.path("FUnitID").path("FNumber").asText()));
        assertThat(state).containsExactly("TG11:3:Pcs", "TG13:4:kg");
        long fid = kd.path("FID").asLong();
        KingdeeTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(SAVE))
                .withRequestBody(matchingJsonPath("$.data.Model.FID", equalTo(String.valueOf(fid))))
                .withRequestBody(matchingJsonPath("$.data.Model.FSaleOrderEntry[0].FEntryID",
                        equalTo(kd.path("FSaleOrderEntry").get(0).path("FEntryID").asText())))
                .withRequestBody(matchingJsonPath("$.data.Model.FSaleOrderEntry[1].FMaterialId.FNumber", equalTo("TG13"))));
    }

    /** Closed with ExcuteOperation BillClose: FCloseStatus B. */
    @Override
    void verifyCancelled(String billNo) {
        assertThat(KingdeeTestServer.kingdee().salesOrder(billNo).path("FCloseStatus").asText()).isEqualTo("B");
        KingdeeTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(KingdeeSandbox.OPERATION_PATH))
                .withRequestBody(matchingJsonPath("$.opNumber", equalTo("BillClose")))
                .withRequestBody(matchingJsonPath("$.data.Numbers[0]", equalTo(billNo))));
    }

    @Override
    java.util.function.Supplier<JsonNode> handToAnother(String billNo, String otherOrderNumber) {
        ObjectNode record = KingdeeTestServer.kingdee().salesOrder(billNo);
        long id = record.path("FID").asLong();
        synchronized (record) {
            record.put("FBillNo", otherOrderNumber);
        }
        return () -> KingdeeTestServer.kingdee().salesOrders().get(id);
    }
}
