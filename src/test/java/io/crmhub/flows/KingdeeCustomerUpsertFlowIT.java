package io.crmhub.flows;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.crmhub.events.EventHeaders;
import io.crmhub.sandbox.KingdeeSandbox;
import io.crmhub.support.KingdeeHubIntegrationTest;
import io.crmhub.support.KingdeeTestServer;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.jms.core.JmsTemplate;

/**
 * The same crm-to-erp.customer-upsert flow as {@link CustomerUpsertFlowIT}, with {@code crmhub.erp.provider=kingdee}:
 * REST → outbox → Artemis → flow → Kingdee WebAPI (the sandbox behind WireMock) → external link.
 */
class KingdeeCustomerUpsertFlowIT extends KingdeeHubIntegrationTest {
    private static final String SAVE = KingdeeSandbox.SAVE_PATH;

    @Autowired
    ConnectionFactory connectionFactory;

    @Test
    void aNewCustomerBecomesAKingdeeCustomerNumberedByOurReference() {
        long id = createCustomer("Kingdee Create Co", uniquePhone(), "CN");
        String number = awaitSynced(id, 1);
        assertThat(number).isEqualTo(referenceOf(id));
        ObjectNode customer = KingdeeTestServer.kingdee().customer(number);
        assertThat(customer.path("FName").asText()).isEqualTo("Kingdee Create Co");
        assertThat(customer.path("FCOUNTRY").path("FNumber").asText()).isEqualTo("China");
        KingdeeTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(SAVE))
                .withHeader("Cookie", matching(".*kdservice-sessionid=[0-9a-f]{32}.*"))
                .withRequestBody(matchingJsonPath("$.formid", equalTo("BD_Customer")))
                .withRequestBody(matchingJsonPath("$.data.Model.FCUSTID", equalTo("0")))
                .withRequestBody(matchingJsonPath("$.data.Model.FNumber", equalTo(referenceOf(id))))
                .withRequestBody(matchingJsonPath("$.data.Model.FCreateOrgId.FNumber", equalTo("100")))
                .withRequestBody(matchingJsonPath("$.data.Model.FCustTypeId.FNumber", equalTo("KHLB001_SYS"))));
        // looked up by number (array-of-arrays query) before the save
        KingdeeTestServer.wireMock().verify(postRequestedFor(urlPathEqualTo(KingdeeSandbox.QUERY_PATH))
                .withRequestBody(matchingJsonPath("$.data.FormId", equalTo("BD_Customer")))
                .withRequestBody(containing("FNumber='" + referenceOf(id) + "'")));
        assertThat(json(call("sales", HttpMethod.GET, "/api/customers/" + id, null)).path("externalReferences").get(0)
                .path("system").asText()).isEqualTo("erp-kingdee");
    }

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
        assertThat(KingdeeTestServer.kingdee().customer(number).path("FName").asText()).isEqualTo("Resaved Co");
        KingdeeTestServer.wireMock().verify(postRequestedFor(urlPathEqualTo(SAVE))
                .withRequestBody(matchingJsonPath("$.data.Model.FCUSTID", equalTo(String.valueOf(customerId))))
                .withRequestBody(matchingJsonPath("$.data.Model.FName", equalTo("Resaved Co"))));
        assertThat(sessionLostAnswers() - lostBefore).as("the lost session was refused once, then the hub logged in again").isEqualTo(1);
        assertThat(KingdeeTestServer.kingdee().logins() - loginsBefore).isEqualTo(1);
        assertThat(creates(id)).isEqualTo(1);
        assertThat(customersFor(id)).isEqualTo(1);
    }

    @Test
    void serverErrorsAreRetriedAndTheCustomerIsCreatedOnce() {
        String name = "Flaky Kingdee Co " + System.nanoTime();
        var wm = KingdeeTestServer.wireMock();
        wm.stubFor(post(urlPathEqualTo(SAVE)).atPriority(1).withRequestBody(containing(name))
                .inScenario("flaky").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
                .willReturn(aResponse().withStatus(503)));
        wm.stubFor(post(urlPathEqualTo(SAVE)).atPriority(1).withRequestBody(containing(name))
                .inScenario("flaky").whenScenarioStateIs("second").willSetStateTo("healthy")
                .willReturn(aResponse().withStatus(502)));
        long id = createCustomer(name, uniquePhone(), "CN");
        awaitSynced(id, 1);
        assertThat(saves(id)).as("two failures then one success").isEqualTo(3);
        assertThat(customersFor(id)).isEqualTo(1);
        assertThat(parked(id)).isZero();
    }

    @Test
    void aRateLimitIsRetriedAfterKingdeesRetryAfter() {
        String name = "Throttled Kingdee Co " + System.nanoTime();
        KingdeeTestServer.wireMock().stubFor(post(urlPathEqualTo(SAVE)).atPriority(1).withRequestBody(containing(name))
                .inScenario("throttled").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("allowed")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
        long id = createCustomer(name, uniquePhone(), "CN");
        awaitSynced(id, 1);
        List<LoggedRequest> saves = KingdeeTestServer.wireMock().findAll(postRequestedFor(urlPathEqualTo(SAVE))
                .withRequestBody(containing(referenceOf(id))));
        assertThat(saves).hasSize(2);
        long waitedMs = saves.get(1).getLoggedDate().getTime() - saves.get(0).getLoggedDate().getTime();
        assertThat(waitedMs).as("the retry waited for Retry-After: 1 (not the 50 ms test backoff)").isGreaterThanOrEqualTo(900);
        assertThat(customersFor(id)).isEqualTo(1);
        assertThat(parked(id)).isZero();
    }

    @Test
    void anIsSuccessFalseAnswerIsParkedAtOnceWithKingdeesMessageAndField() {
        String name = "Refused Kingdee Co " + System.nanoTime();
        KingdeeTestServer.wireMock().stubFor(post(urlPathEqualTo(SAVE)).atPriority(1).withRequestBody(containing(name))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("""
                                {"Result":{"ResponseStatus":{"ErrorCode":500,"IsSuccess":false,"Errors":[{"FieldName":"FTAXREGISTERCODE",\
                                "Message":"纳税登记号格式不正确","DIndex":0}],"SuccessEntitys":[],"SuccessMessages":[],"MsgCode":11},\
                                "Id":"","Number":"","NeedReturnData":[{}]}}""")));
        long id = createCustomer(name, uniquePhone(), "CN");
        await().atMost(Duration.ofSeconds(20)).until(() -> parked(id) == 1);
        Map<String, Object> row = parkedRow(id);
        assertThat((String) row.get("reason")).contains("Save BD_Customer").contains("[FTAXREGISTERCODE] 纳税登记号格式不正确")
                .contains("MsgCode 11");
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat(row.get("connector")).isEqualTo("erp-kingdee");
        assertThat(row.get("flow")).isEqualTo("crm-to-erp.customer-upsert");
        assertThat(saves(id)).isEqualTo(1);
    }

    @Test
    void anUnmappedCountryIsParkedNamingTheValueMapAndTheCode() {
        long id = createCustomer("Paris Kingdee Co", "+33612345678", "FR");
        await().atMost(Duration.ofSeconds(20)).until(() -> parked(id) == 1);
        assertThat((String) parkedRow(id).get("reason")).isEqualTo("value map kingdee/country v1 has no entry for 'FR'");
        assertThat(saves(id)).isZero();
    }

    @Test
    void aCustomerSavedWhoseAnswerWasLostIsFoundByNumberInsteadOfCreatedAgain() {
        String name = "Lost Kingdee Answer Co " + System.nanoTime();
        KingdeeTestServer.wireMock().stubFor(post(urlPathEqualTo(SAVE)).atPriority(1).withRequestBody(containing(name))
                .inScenario("lost-answer").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("answered")
                .willReturn(aResponse().withTransformers(KingdeeSandbox.NAME).withFault(Fault.CONNECTION_RESET_BY_PEER)));
        long id = createCustomer(name, uniquePhone(), "CN");
        String number = awaitSynced(id, 1);
        assertThat(creates(id)).as("one create, whose answer was lost").isEqualTo(1);
        assertThat(customersFor(id)).isEqualTo(1);
        long customerId = KingdeeTestServer.kingdee().customer(number).path("FCUSTID").asLong();
        KingdeeTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(SAVE))
                .withRequestBody(matchingJsonPath("$.data.Model.FCUSTID", equalTo(String.valueOf(customerId)))));
    }

    @Test
    void aRedeliveredEventNeverCreatesASecondCustomer() {
        long id = createCustomer("Redelivered Kingdee Co", uniquePhone(), "CN");
        awaitSynced(id, 1);
        Map<String, Object> event = jdbc.sql("SELECT event_id, payload, aggregate_version FROM outbox WHERE aggregate_type = 'customer' AND aggregate_id = ?")
                .param(String.valueOf(id)).query().singleRow();
        JmsTemplate jms = new JmsTemplate(connectionFactory);
        jms.setPubSubDomain(true);
        for (int i = 0; i < 3; i++) {
            jms.send("crm.customer.changed", s -> {
                Message m = s.createTextMessage((String) event.get("payload"));
                m.setStringProperty(EventHeaders.EVENT_ID, (String) event.get("event_id"));
                m.setStringProperty(EventHeaders.AGGREGATE_TYPE, "customer");
                m.setStringProperty(EventHeaders.AGGREGATE_ID, String.valueOf(id));
                m.setLongProperty(EventHeaders.AGGREGATE_VERSION, ((Number) event.get("aggregate_version")).longValue());
                return m;
            });
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> journal(id, "SKIPPED") == 3);
        assertThat(saves(id)).isEqualTo(1);
        assertThat(customersFor(id)).isEqualTo(1);
    }

    // ---- helpers ----

    private String awaitSynced(long id, long version) {
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                        "SELECT COUNT(*) FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ? AND synced_version >= ?")
                .params(id, version).query(Long.class).single() == 1);
        return jdbc.sql("SELECT external_id FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ?")
                .param(id).query(String.class).single();
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

    private long saves(long id) {
        return KingdeeTestServer.wireMock().findAll(postRequestedFor(urlPathEqualTo(SAVE))
                .withRequestBody(containing(referenceOf(id)))).size();
    }

    private long creates(long id) {
        return KingdeeTestServer.wireMock().findAll(postRequestedFor(urlPathEqualTo(SAVE))
                .withRequestBody(matchingJsonPath("$.data.Model.FNumber", equalTo(referenceOf(id))))
                .withRequestBody(matchingJsonPath("$.data.Model.FCUSTID", equalTo("0")))).size();
    }

    private long customersFor(long id) {
        return KingdeeTestServer.kingdee().customers().values().stream()
                .filter(c -> c.path("FNumber").asText().equals(referenceOf(id))).count();
    }

    private long parked(long id) {
        return jdbc.sql("SELECT COUNT(*) FROM parked_message WHERE entity_key = ?").param("customer:" + id).query(Long.class).single();
    }

    private Map<String, Object> parkedRow(long id) {
        List<Map<String, Object>> rows = jdbc.sql("SELECT flow, connector, reason, attempts, payload FROM parked_message WHERE entity_key = ?")
                .param("customer:" + id).query().listOfRows();
        assertThat(rows).hasSize(1);
        Map<String, Object> row = new java.util.HashMap<>();
        rows.get(0).forEach((k, v) -> row.put(k.toLowerCase(), v instanceof Number n && k.equalsIgnoreCase("attempts") ? n.intValue() : v));
        return row;
    }

    private long journal(long id, String outcome) {
        return jdbc.sql("SELECT COUNT(*) FROM sync_journal WHERE entity_type = 'CUSTOMER' AND entity_id = ? AND outcome = ?")
                .params(id, outcome).query(Long.class).single();
    }

    private static String referenceOf(long id) {
        return io.crmhub.crm.canonical.CanonicalCustomer.referenceOf(id);
    }

}
