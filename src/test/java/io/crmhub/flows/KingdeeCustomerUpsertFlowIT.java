package io.crmhub.flows;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.crmhub.sandbox.KingdeeSandbox;
import io.crmhub.support.KingdeeHub;
import io.crmhub.support.KingdeeTestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

/**
 * The same crm-to-erp.customer-upsert scenarios as {@link CustomerUpsertFlowIT} ({@link CustomerUpsertScenarios}), with
 * {@code crmhub.erp.provider=kingdee}: REST → outbox → Artemis → flow → Kingdee WebAPI (the sandbox behind WireMock) →
 * external link.
 */
class KingdeeCustomerUpsertFlowIT extends CustomerUpsertScenarios implements KingdeeHub {
    private static final String SAVE = KingdeeSandbox.SAVE_PATH;

    @Test
    void anUpdateReSavesTheSameCustomerByItsIdAfterTheSessionExpired() {
        String phone = uniquePhone();
        long id = createCustomer("Resave Me Co", phone, "CN");
        String number = awaitSynced(id, 1);
        long customerId = KingdeeTestServer.kingdee().customer(number).path("FCUSTID").asLong();
        int loginsBefore = KingdeeTestServer.kingdee().logins();
        int lostBefore = sessionLostAnswers();
        KingdeeTestServer.kingdee().expireSessions();

        call("sales", HttpMethod.PUT, "/api/customers/" + id, customerJson("Resaved Co", phone, "CN"));
        assertThat(awaitSynced(id, 2)).isEqualTo(number);
        assertThat(nameInErp(number)).isEqualTo("Resaved Co");
        KingdeeTestServer.wireMock().verify(postRequestedFor(urlPathEqualTo(SAVE))
                .withRequestBody(matchingJsonPath("$.data.Model.FCUSTID", equalTo(String.valueOf(customerId))))
                .withRequestBody(matchingJsonPath("$.data.Model.FName", equalTo("Resaved Co"))));
        assertThat(sessionLostAnswers() - lostBefore).as("the lost session was refused once, then the hub logged in again").isEqualTo(1);
        assertThat(KingdeeTestServer.kingdee().logins() - loginsBefore).isEqualTo(1);
        assertThat(creates(referenceOf(id))).isEqualTo(1);
        assertThat(recordsFor(referenceOf(id))).isEqualTo(1);
    }

    @Test
    void healthShowsTheKingdeeConnectorAndNoSapOne() {
        var health = json(call("engineer", HttpMethod.GET, "/actuator/health", null)).path("components");
        assertThat(health.path("erpKingdee").path("status").asText()).as(health.toString()).isEqualTo("UP");
        assertThat(health.path("erpKingdee").path("details").path("connector").asText()).isEqualTo("erp-kingdee");
        assertThat(health.has("erpSap")).as("SAP's connector is not configured in a Kingdee installation").isFalse();
    }

    @Override
    String system() {
        return "erp-kingdee";
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
    String writePath() {
        return SAVE;
    }

    @Override
    String sandboxTransformer() {
        return KingdeeSandbox.NAME;
    }

    /** Saves of a new customer: {@code FCUSTID 0} with our reference as {@code FNumber}. */
    @Override
    long creates(String reference) {
        return KingdeeTestServer.wireMock().findAll(postRequestedFor(urlPathEqualTo(SAVE))
                .withRequestBody(matchingJsonPath("$.data.Model.FNumber", equalTo(reference)))
                .withRequestBody(matchingJsonPath("$.data.Model.FCUSTID", equalTo("0")))).size();
    }

    @Override
    long recordsFor(String reference) {
        return KingdeeTestServer.kingdee().customers().values().stream().filter(c -> c.path("FNumber").asText().equals(reference)).count();
    }

    @Override
    String nameInErp(String number) {
        return KingdeeTestServer.kingdee().customer(number).path("FName").asText();
    }

    @Override
    void verifyCreated(String reference, String number) {
        assertThat(number).as("the customer's Kingdee number is our reference").isEqualTo(reference);
        ObjectNode customer = KingdeeTestServer.kingdee().customer(number);
        assertThat(customer.path("FName").asText()).isEqualTo("Partner Create Co");
        assertThat(customer.path("FCOUNTRY").path("FNumber").asText()).isEqualTo("China");
        KingdeeTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(SAVE))
                .withHeader("Cookie", matching(".*kdservice-sessionid=[0-9a-f]{32}.*"))
                .withRequestBody(matchingJsonPath("$.formid", equalTo("BD_Customer")))
                .withRequestBody(matchingJsonPath("$.data.Model.FCUSTID", equalTo("0")))
                .withRequestBody(matchingJsonPath("$.data.Model.FNumber", equalTo(reference)))
                .withRequestBody(matchingJsonPath("$.data.Model.FCreateOrgId.FNumber", equalTo("100")))
                .withRequestBody(matchingJsonPath("$.data.Model.FCustTypeId.FNumber", equalTo("KHLB001_SYS"))));
        // looked up by number (an array-of-arrays query) before the save
        KingdeeTestServer.wireMock().verify(postRequestedFor(urlPathEqualTo(KingdeeSandbox.QUERY_PATH))
                .withRequestBody(matchingJsonPath("$.data.FormId", equalTo("BD_Customer")))
                .withRequestBody(containing("FNumber='" + reference + "'")));
    }

    @Override
    void verifyUpdatedAfterLostAnswer(String number) {
        long customerId = KingdeeTestServer.kingdee().customer(number).path("FCUSTID").asLong();
        KingdeeTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(SAVE))
                .withRequestBody(matchingJsonPath("$.data.Model.FCUSTID", equalTo(String.valueOf(customerId)))));
    }

    /** Kingdee refuses inside HTTP 200: {@code IsSuccess=false} with the field and message. */
    @Override
    ResponseDefinitionBuilder refusal() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8").withBody("""
                {"Result":{"ResponseStatus":{"ErrorCode":500,"IsSuccess":false,"Errors":[{"FieldName":"FTAXREGISTERCODE",\
                "Message":"纳税登记号格式不正确","DIndex":0}],"SuccessEntitys":[],"SuccessMessages":[],"MsgCode":11},\
                "Id":"","Number":"","NeedReturnData":[{}]}}""");
    }

    @Override
    List<String> refusalReason() {
        return List.of("Save BD_Customer", "[FTAXREGISTERCODE] 纳税登记号格式不正确", "MsgCode 11");
    }

    @Override
    String countryTable() {
        return "country";
    }

    private int sessionLostAnswers() {
        int n = 0;
        for (ServeEvent e : KingdeeTestServer.wireMock().getAllServeEvents()) {
            String body = e.getResponse().getBodyAsString();
            if (body != null && body.contains(KingdeeSandbox.SESSION_LOST)) {
                n++;
            }
        }
        return n;
    }

    /** Kingdee's number is our reference: a record given to another carries the other's number, ours is gone. */
    @Override
    java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> handToAnother(String number, String otherReference, String otherName) {
        ObjectNode record = KingdeeTestServer.kingdee().customer(number);
        long customerId = record.path("FCUSTID").asLong();
        synchronized (record) {
            record.put("FNumber", otherReference);
            record.put("FName", otherName);
        }
        return () -> KingdeeTestServer.kingdee().customers().get(customerId);
    }

    @Override
    void delete(String number) {
        KingdeeTestServer.kingdee().customers().remove(KingdeeTestServer.kingdee().customer(number).path("FCUSTID").asLong());
    }

    @Override
    List<String> foreignReason(String number, String ours, String otherReference) {
        return List.of("linked Kingdee customer " + number + " of " + ours + " no longer exists");
    }

    @Override
    void verifyFieldsCleared(String number, String name, String phone) {
        ObjectNode customer = KingdeeTestServer.kingdee().customer(number);
        assertThat(customer.path("FName").asText()).isEqualTo(name);
        assertThat(customer.path("FADDRESS").asText()).as("street cleared, city kept").isEqualTo("Shanghai");
        assertThat(customer.path("FZIP").asText("")).as("postal code cleared").isEmpty();
        assertThat(customer.path("FTEL").asText()).isEqualTo(phone);
    }

    @Override
    String changeByHandInErp(String number) {
        ObjectNode customer = KingdeeTestServer.kingdee().customer(number);
        synchronized (customer) {
            customer.put("FZIP", "999999");
        }
        return "FZIP";
    }
}
