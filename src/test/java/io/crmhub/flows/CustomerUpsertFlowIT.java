package io.crmhub.flows;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.crmhub.events.EventHeaders;
import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.jms.core.JmsTemplate;

/** crm-to-erp.customer-upsert end to end: REST → outbox → Artemis → flow → SAP (WireMock) → external link. */
class CustomerUpsertFlowIT extends HubIntegrationTest {
    private static final String BP_PATH = SapBusinessPartnerSandbox.SERVICE_PATH + "A_BusinessPartner";

    @Autowired
    ConnectionFactory connectionFactory;

    @Test
    void aNewCustomerBecomesABusinessPartnerAndItsNumberComesBack() {
        long id = createCustomer("Partner Create Co", uniquePhone(), "CN");
        String partner = awaitSynced(id, 1);
        assertThat(SapTestServer.sap().partners().get(partner).path("BusinessPartnerIDByExtSystem").asText())
                .isEqualTo(referenceOf(id));
        SapTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(BP_PATH))
                .withHeader("x-csrf-token", com.github.tomakehurst.wiremock.client.WireMock.matching(".+"))
                .withHeader("Cookie", containing("SAP_SESSIONID_S4H_100="))
                .withRequestBody(matchingJsonPath("$.BusinessPartnerIDByExtSystem", equalTo(referenceOf(id))))
                .withRequestBody(matchingJsonPath("$.to_BusinessPartnerRole[0].BusinessPartnerRole", equalTo("FLCU01")))
                .withRequestBody(matchingJsonPath("$.to_BusinessPartnerAddress[0].to_MobilePhoneNumber[0].PhoneNumberType", equalTo("3"))));
        assertThat(json(call("sales", HttpMethod.GET, "/api/customers/" + id, null)).path("externalReferences").get(0)
                .path("externalId").asText()).isEqualTo(partner);
    }

    @Test
    void anUpdatePatchesTheSamePartnerWithItsEtagAfterTheCsrfTokenExpired() {
        String phone = uniquePhone();
        long id = createCustomer("Patch Me Co", phone, "CN");
        String partner = awaitSynced(id, 1);
        SapTestServer.sap().expireTokens();

        call("sales", HttpMethod.PUT, "/api/customers/" + id, customerJson("Patched Co", phone, "CN"));
        assertThat(awaitSynced(id, 2)).isEqualTo(partner);
        assertThat(SapTestServer.sap().partners().get(partner).path("OrganizationBPName1").asText()).isEqualTo("Patched Co");
        SapTestServer.wireMock().verify(patchRequestedFor(urlPathEqualTo(BP_PATH + "('" + partner + "')"))
                .withHeader("If-Match", com.github.tomakehurst.wiremock.client.WireMock.matching("W/\".+\"")));
        long rejected = SapTestServer.wireMock().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().contains("('" + partner + "')") && e.getResponse().getStatus() == 403).count();
        assertThat(rejected).as("the expired token was refused once, then refetched").isEqualTo(1);
        assertThat(countPosts(id)).isEqualTo(1);
    }

    @Test
    void serverErrorsAreRetriedAndTheCustomerIsCreatedOnce() {
        String name = "Flaky Gateway Co " + System.nanoTime();
        var wm = SapTestServer.wireMock();
        wm.stubFor(post(urlPathEqualTo(BP_PATH)).atPriority(1).withRequestBody(containing(name))
                .inScenario("flaky").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1")));
        wm.stubFor(post(urlPathEqualTo(BP_PATH)).atPriority(1).withRequestBody(containing(name))
                .inScenario("flaky").whenScenarioStateIs("second").willSetStateTo("healthy")
                .willReturn(aResponse().withStatus(502)));
        long id = createCustomer(name, uniquePhone(), "CN");
        awaitSynced(id, 1);
        assertThat(countPosts(id)).as("two failures then one success").isEqualTo(3);
        assertThat(partnersFor(id)).isEqualTo(1);
        assertThat(parked(id)).isZero();
    }

    @Test
    void aPermanentSapRejectionIsParkedWithSapsReasonAtOnce() {
        String name = "Rejected Co " + System.nanoTime();
        SapTestServer.wireMock().stubFor(post(urlPathEqualTo(BP_PATH)).atPriority(1).withRequestBody(containing(name))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"R11/124\",\"message\":{\"lang\":\"en\",\"value\":\"Tax number is not valid\"}}}")));
        long id = createCustomer(name, uniquePhone(), "CN");
        await().atMost(Duration.ofSeconds(20)).until(() -> parked(id) == 1);
        Map<String, Object> row = parkedRow(id);
        assertThat((String) row.get("reason")).contains("HTTP 400").contains("R11/124 Tax number is not valid");
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat(row.get("connector")).isEqualTo("erp-sap");
        assertThat(row.get("flow")).isEqualTo("crm-to-erp.customer-upsert");
        assertThat((String) row.get("payload")).contains(referenceOf(id));
        assertThat(countPosts(id)).isEqualTo(1);
    }

    @Test
    void anUnmappedCodeIsParkedNamingTheValueMapAndTheCode() {
        long id = createCustomer("Paris Co", "+33612345678", "FR");
        await().atMost(Duration.ofSeconds(20)).until(() -> parked(id) == 1);
        assertThat((String) parkedRow(id).get("reason")).isEqualTo("value map sap/correspondence-language v1 has no entry for 'FR'");
        assertThat(countPosts(id)).isZero();
    }

    @Test
    void aRedeliveredEventNeverCreatesASecondPartner() throws Exception {
        long id = createCustomer("Redelivered Co", uniquePhone(), "CN");
        awaitSynced(id, 1);
        // the same event published again (as after a relay crash, with the broker's duplicate id stripped)
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
        assertThat(countPosts(id)).isEqualTo(1);
        assertThat(partnersFor(id)).isEqualTo(1);
    }

    @Test
    void aPartnerCreatedWhoseAnswerWasLostIsFoundByOurReferenceInsteadOfCreatedAgain() {
        // SAP creates the partner but the connection drops before the answer: the retry must find it, not create it
        String name = "Lost Answer Co " + System.nanoTime();
        SapTestServer.wireMock().stubFor(post(urlPathEqualTo(BP_PATH)).atPriority(1).withRequestBody(containing(name))
                .inScenario("lost-answer").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("answered")
                .willReturn(aResponse().withTransformers(SapBusinessPartnerSandbox.NAME)
                        .withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
        long id = createCustomer(name, uniquePhone(), "CN");
        String partner = awaitSynced(id, 1);
        assertThat(countPosts(id)).as("one create, whose answer was lost").isEqualTo(1);
        assertThat(partnersFor(id)).isEqualTo(1);
        SapTestServer.wireMock().verify(patchRequestedFor(urlPathEqualTo(BP_PATH + "('" + partner + "')")));
    }

    @Test
    void manyQuickUpdatesEndWithTheLatestVersionInSap() {
        String phone = uniquePhone();
        long id = createCustomer("Version 0", phone, "CN");
        for (int v = 1; v <= 15; v++) {
            call("sales", HttpMethod.PUT, "/api/customers/" + id, customerJson("Version " + v, phone, "CN"));
        }
        String partner = awaitSynced(id, 16);
        assertThat(SapTestServer.sap().partners().get(partner).path("OrganizationBPName1").asText()).isEqualTo("Version 15");
        assertThat(partnersFor(id)).isEqualTo(1);
    }

    private String awaitSynced(long id, long version) {
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                        "SELECT COUNT(*) FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ? AND synced_version >= ?")
                .params(id, version).query(Long.class).single() == 1);
        return jdbc.sql("SELECT external_id FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ?")
                .param(id).query(String.class).single();
    }

    private long countPosts(long id) {
        return SapTestServer.wireMock().findAll(postRequestedFor(urlPathEqualTo(BP_PATH))
                .withRequestBody(containing(referenceOf(id)))).size();
    }

    private long partnersFor(long id) {
        return SapTestServer.sap().partners().values().stream()
                .filter(p -> p.path("BusinessPartnerIDByExtSystem").asText().equals(referenceOf(id))).count();
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
