package io.crmhub.flows;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.crmhub.events.EventHeaders;
import io.crmhub.support.HubIntegrationTest;
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
 * crm-to-erp.customer-upsert end to end, whatever the installation's ERP: REST → outbox → Artemis → flow → ERP (its
 * sandbox behind WireMock) → external link. Each ERP's test class supplies how to observe and disturb its ERP; the
 * scenarios and their expectations are the same for all, which is what "switching the ERP is configuration" means.
 */
abstract class CustomerUpsertScenarios extends HubIntegrationTest {

    @Autowired
    ConnectionFactory connectionFactory;

    // ---- what each ERP supplies ----

    /** The external system the links carry, e.g. {@code erp-sap}. */
    abstract String system();

    /** The provider's name in value maps and parked reasons, e.g. {@code sap}. */
    abstract String provider();

    abstract WireMockServer erp();

    /** The path the create (and, for some ERPs, the update) of a customer is sent to. */
    abstract String writePath();

    /** The sandbox transformer, so a stub can let the ERP do the work and then drop the answer. */
    abstract String sandboxTransformer();

    /** Create requests sent for our customer reference. */
    abstract long creates(String reference);

    /** Customers the ERP holds for our reference. */
    abstract long recordsFor(String reference);

    /** The customer's name as the ERP holds it. */
    abstract String nameInErp(String externalId);

    /** What the ERP's create call and stored record look like for a new customer (protocol details of the ERP). */
    abstract void verifyCreated(String reference, String externalId);

    /** After a lost create answer, the retry found the customer and updated it. */
    abstract void verifyUpdatedAfterLostAnswer(String externalId);

    /** A validation refusal as the ERP sends it. */
    abstract ResponseDefinitionBuilder refusal();

    /** What the parked reason must say about that refusal. */
    abstract List<String> refusalReason();

    /** The value map table holding countries for this ERP. */
    abstract String countryTable();

    /**
     * What a restore from backup (or a renumbering by hand) does: the linked record now belongs to someone else, carrying
     * {@code otherReference} and {@code otherName}. Returns how to read that record's current state.
     */
    abstract java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> handToAnother(String externalId, String otherReference,
                                                                                                String otherName);

    /** The linked record is deleted in the ERP (merged into another by hand, or lost in a restore). */
    abstract void delete(String externalId);

    /**
     * After a PUT that left out e-mail, street and postal code (the README tour's step 4): the ERP holds the new name,
     * the city and the phone, and none of the left-out fields.
     */
    abstract void verifyFieldsCleared(String externalId, String name, String phone);

    /** Someone changes a synced field in the ERP by hand; returns the ERP's name of that field. */
    abstract String changeByHandInErp(String externalId);

    /** What the parked reason says when the linked record carries {@code otherReference} instead of ours. */
    abstract List<String> foreignReason(String externalId, String ours, String otherReference);

    // ---- scenarios ----

    @Test
    void aNewCustomerIsCreatedInTheErpAndLinked() {
        long id = createCustomer("Partner Create Co", uniquePhone(), "CN");
        String externalId = awaitSynced(id, 1);
        verifyCreated(referenceOf(id), externalId);
        assertThat(creates(referenceOf(id))).isEqualTo(1);
        var link = json(call("sales", HttpMethod.GET, "/api/customers/" + id, null)).path("externalReferences").get(0);
        assertThat(link.path("system").asText()).isEqualTo(system());
        assertThat(link.path("externalId").asText()).isEqualTo(externalId);
    }

    @Test
    void serverErrorsAreRetriedAndTheCustomerIsCreatedOnce() {
        String name = "Flaky Gateway Co " + System.nanoTime();
        erp().stubFor(post(urlPathEqualTo(writePath())).atPriority(1).withRequestBody(containing(name))
                .inScenario("flaky").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
                .willReturn(aResponse().withStatus(503)));
        erp().stubFor(post(urlPathEqualTo(writePath())).atPriority(1).withRequestBody(containing(name))
                .inScenario("flaky").whenScenarioStateIs("second").willSetStateTo("healthy")
                .willReturn(aResponse().withStatus(502)));
        long id = createCustomer(name, uniquePhone(), "CN");
        awaitSynced(id, 1);
        assertThat(creates(referenceOf(id))).as("two failures then one success").isEqualTo(3);
        assertThat(recordsFor(referenceOf(id))).isEqualTo(1);
        assertThat(parked(id)).isZero();
    }

    @Test
    void aRateLimitIsRetriedAfterTheProvidersRetryAfter() {
        String name = "Throttled Co " + System.nanoTime();
        erp().stubFor(post(urlPathEqualTo(writePath())).atPriority(1).withRequestBody(containing(name))
                .inScenario("throttled").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("allowed")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
        long id = createCustomer(name, uniquePhone(), "CN");
        awaitSynced(id, 1);
        List<LoggedRequest> calls = erp().findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                urlPathEqualTo(writePath())).withRequestBody(containing(referenceOf(id))));
        assertThat(calls).hasSize(2);
        long waitedMs = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        assertThat(waitedMs).as("the retry waited for Retry-After: 1 (not the 50 ms test backoff)").isGreaterThanOrEqualTo(900);
        assertThat(recordsFor(referenceOf(id))).isEqualTo(1);
        assertThat(parked(id)).isZero();
    }

    @Test
    void aPermanentRefusalIsParkedAtOnceWithTheProvidersReason() {
        String name = "Rejected Co " + System.nanoTime();
        erp().stubFor(post(urlPathEqualTo(writePath())).atPriority(1).withRequestBody(containing(name)).willReturn(refusal()));
        long id = createCustomer(name, uniquePhone(), "CN");
        await().atMost(Duration.ofSeconds(20)).until(() -> parked(id) == 1);
        Map<String, Object> row = parkedRow(id);
        assertThat((String) row.get("reason")).contains(refusalReason());
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat(row.get("connector")).isEqualTo(system());
        assertThat(row.get("flow")).isEqualTo("crm-to-erp.customer-upsert");
        assertThat((String) row.get("payload")).contains(referenceOf(id));
        assertThat(creates(referenceOf(id))).isEqualTo(1);
    }

    @Test
    void anUnmappedCodeIsParkedNamingTheValueMapAndTheCode() {
        long id = createCustomer("Paris Co", "+33612345678", "FR");
        await().atMost(Duration.ofSeconds(20)).until(() -> parked(id) == 1);
        assertThat((String) parkedRow(id).get("reason"))
                .isEqualTo("value map " + provider() + "/" + countryTable() + " v1 has no entry for 'FR'");
        assertThat(creates(referenceOf(id))).isZero();
    }

    @Test
    void aRedeliveredEventNeverCreatesASecondCustomer() {
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
        assertThat(creates(referenceOf(id))).isEqualTo(1);
        assertThat(recordsFor(referenceOf(id))).isEqualTo(1);
    }

    @Test
    void aCustomerCreatedWhoseAnswerWasLostIsFoundByOurReferenceInsteadOfCreatedAgain() {
        // the ERP creates the customer but the connection drops before the answer: the retry must find it, not create it
        String name = "Lost Answer Co " + System.nanoTime();
        erp().stubFor(post(urlPathEqualTo(writePath())).atPriority(1).withRequestBody(containing(name))
                .inScenario("lost-answer").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("answered")
                .willReturn(aResponse().withTransformers(sandboxTransformer()).withFault(Fault.CONNECTION_RESET_BY_PEER)));
        long id = createCustomer(name, uniquePhone(), "CN");
        String externalId = awaitSynced(id, 1);
        assertThat(creates(referenceOf(id))).as("one create, whose answer was lost").isEqualTo(1);
        assertThat(recordsFor(referenceOf(id))).isEqualTo(1);
        verifyUpdatedAfterLostAnswer(externalId);
    }

    @Test
    void manyQuickUpdatesEndWithTheLatestVersionInTheErp() {
        String phone = uniquePhone();
        long id = createCustomer("Version 0", phone, "CN");
        for (int v = 1; v <= 15; v++) {
            call("sales", HttpMethod.PUT, "/api/customers/" + id, customerJson("Version " + v, phone, "CN"));
        }
        String externalId = awaitSynced(id, 16);
        assertThat(nameInErp(externalId)).isEqualTo("Version 15");
        assertThat(recordsFor(referenceOf(id))).isEqualTo(1);
    }

    @Test
    void anUpdateThroughALinkToARecordNowCarryingAnotherReferenceIsParkedAndTheRecordIsLeftAlone() {
        String phone = uniquePhone();
        long id = createCustomer("Owner Co", phone, "CN");
        String externalId = awaitSynced(id, 1);
        String other = "CRM-C-99" + String.format("%08d", id);
        var foreign = handToAnother(externalId, other, "Someone Else Ltd");
        var before = foreign.get().deepCopy();

        call("sales", HttpMethod.PUT, "/api/customers/" + id, customerJson("Owner Renamed Co", phone, "CN"));
        await().atMost(Duration.ofSeconds(20)).until(() -> parked(id) == 1);
        Map<String, Object> row = parkedRow(id);
        assertThat((String) row.get("reason")).contains(foreignReason(externalId, referenceOf(id), other)).contains("relink");
        assertThat(row.get("attempts")).as("permanent: parked at once").isEqualTo(1);
        assertThat(foreign.get()).as("the record that is not ours was not written").isEqualTo(before);

        long parkedId = jdbc.sql("SELECT id FROM parked_message WHERE entity_key = ?").param("customer:" + id).query(Long.class).single();
        var relinked = call("engineer", HttpMethod.POST, "/api/ops/failures/" + parkedId + "/relink", "{\"reason\":\"ERP restored from backup\"}");
        assertThat(relinked.getStatusCode().value()).as(relinked.getBody()).isEqualTo(200);
        assertThat(json(relinked).path("droppedExternalId").asText()).isEqualTo(externalId);
        assertThat(json(relinked).path("resolved").asInt()).isEqualTo(1);

        String now = awaitSynced(id, 2);
        assertThat(nameInErp(now)).isEqualTo("Owner Renamed Co");
        assertThat(recordsFor(referenceOf(id))).as("one record carries our reference again").isEqualTo(1);
        assertThat(foreign.get()).as("the other record is still untouched").isEqualTo(before);
        assertThat(jdbc.sql("SELECT status FROM parked_message WHERE id = ?").param(parkedId).query(String.class).single()).isEqualTo("RESOLVED");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'failure.relink' AND target_id = ?").param(String.valueOf(parkedId))
                .query(Long.class).single()).isEqualTo(1);
        assertThat(journal(id, "UNLINKED")).isEqualTo(1);
        var again = call("engineer", HttpMethod.POST, "/api/ops/failures/" + parkedId + "/relink", "{\"reason\":\"twice\"}");
        assertThat(again.getStatusCode().value()).as("a resolved message is not relinked twice").isEqualTo(409);
    }

    @Test
    void aPutThatLeavesOutFieldsClearsThemInTheErpTooAndReconciliationFindsNothingToReport() {
        String phone = uniquePhone();
        var created = call("sales", HttpMethod.POST, "/api/customers", """
                {"type":"ORGANIZATION","name":"Full Fields Co","phone":"%s","email":"ops@full-fields.example",
                 "address":{"countryCode":"CN","city":"Shanghai","street":"1 Zhongshan East Rd","postalCode":"200002"}}""".formatted(phone));
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        long id = json(created).path("id").asLong();
        String externalId = awaitSynced(id, 1);
        assertThat(fieldMismatches(id)).as("created with every field").isEmpty();

        var put = call("sales", HttpMethod.PUT, "/api/customers/" + id, """
                {"type":"ORGANIZATION","name":"Full Fields Co Ltd","phone":"%s","address":{"countryCode":"CN","city":"Shanghai"}}""".formatted(phone));
        assertThat(put.getStatusCode().value()).as(put.getBody()).isEqualTo(200);
        assertThat(awaitSynced(id, 2)).isEqualTo(externalId);
        verifyFieldsCleared(externalId, "Full Fields Co Ltd", phone);
        assertThat(fieldMismatches(id)).as("the ERP followed the PUT").isEmpty();
    }

    @Test
    void reconciliationReportsAFieldChangedInTheErpByHandAndItsResyncPutsItBack() {
        long id = createCustomer("Hand Edited Co", uniquePhone(), "CN");
        String externalId = awaitSynced(id, 1);
        String field = changeByHandInErp(externalId);
        List<com.fasterxml.jackson.databind.JsonNode> mismatches = fieldMismatches(id);
        assertThat(mismatches).as("one field differs").hasSize(1);
        assertThat(mismatches.get(0).path("crmValue").asText()).startsWith(field + "=");
        assertThat(mismatches.get(0).path("resync").path("entity").asText()).isEqualTo("CUSTOMER");

        var resync = call("finance", HttpMethod.POST, "/api/finance/reconciliation/resync", "{\"entity\":\"CUSTOMER\",\"id\":" + id + "}");
        assertThat(resync.getStatusCode().value()).as(resync.getBody()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> fieldMismatches(id).isEmpty());
    }

    @Test
    void anUpdateThroughALinkToADeletedRecordIsParkedAndRelinkCreatesItAgain() {
        String phone = uniquePhone();
        long id = createCustomer("Deleted By Hand Co", phone, "CN");
        String externalId = awaitSynced(id, 1);
        delete(externalId);

        call("sales", HttpMethod.PUT, "/api/customers/" + id, customerJson("Still Here Co", phone, "CN"));
        await().atMost(Duration.ofSeconds(20)).until(() -> parked(id) == 1);
        assertThat((String) parkedRow(id).get("reason")).contains(externalId, referenceOf(id), "no longer exists");
        assertThat(recordsFor(referenceOf(id))).as("not re-created behind the engineer's back").isZero();

        long parkedId = jdbc.sql("SELECT id FROM parked_message WHERE entity_key = ?").param("customer:" + id).query(Long.class).single();
        var relinked = call("engineer", HttpMethod.POST, "/api/ops/failures/" + parkedId + "/relink", "{\"reason\":\"deleted in the ERP by mistake\"}");
        assertThat(relinked.getStatusCode().value()).as(relinked.getBody()).isEqualTo(200);
        String now = awaitSynced(id, 2);
        assertThat(nameInErp(now)).isEqualTo("Still Here Co");
        assertThat(recordsFor(referenceOf(id))).isEqualTo(1);
    }

    @Test
    void relinkIsRefusedForAMessageParkedForAnotherReason() {
        long id = createCustomer("Lyon Co", "+33612345679", "FR");
        await().atMost(Duration.ofSeconds(20)).until(() -> parked(id) == 1);
        long parkedId = jdbc.sql("SELECT id FROM parked_message WHERE entity_key = ?").param("customer:" + id).query(Long.class).single();
        var refused = call("engineer", HttpMethod.POST, "/api/ops/failures/" + parkedId + "/relink", "{\"reason\":\"try\"}");
        assertThat(refused.getStatusCode().value()).isEqualTo(409);
        assertThat(refused.getBody()).contains("not parked for a foreign linked record");
        var noReason = call("engineer", HttpMethod.POST, "/api/ops/failures/" + parkedId + "/relink", "{}");
        assertThat(noReason.getStatusCode().value()).isEqualTo(400);
        assertThat(call("sales", HttpMethod.POST, "/api/ops/failures/" + parkedId + "/relink", "{\"reason\":\"x\"}").getStatusCode().value())
                .isEqualTo(403);
    }

    // ---- helpers ----

    /** Today's reconciliation rows of kind FIELD_MISMATCH for one customer. */
    List<com.fasterxml.jackson.databind.JsonNode> fieldMismatches(long id) {
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        var answer = call("finance", HttpMethod.GET, "/api/finance/reconciliation?from=" + today + "&to=" + today, null);
        assertThat(answer.getStatusCode().value()).as(answer.getBody()).isEqualTo(200);
        List<com.fasterxml.jackson.databind.JsonNode> rows = new java.util.ArrayList<>();
        json(answer).path("mismatches").forEach(m -> {
            if (m.path("kind").asText().equals("FIELD_MISMATCH") && m.path("reference").asText().equals(referenceOf(id))) {
                rows.add(m);
            }
        });
        return rows;
    }

    String awaitSynced(long id, long version) {
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                        "SELECT COUNT(*) FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ? AND synced_version >= ?")
                .params(id, version).query(Long.class).single() == 1);
        return jdbc.sql("SELECT external_id FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ?")
                .param(id).query(String.class).single();
    }

    long parked(long id) {
        return jdbc.sql("SELECT COUNT(*) FROM parked_message WHERE entity_key = ?").param("customer:" + id).query(Long.class).single();
    }

    Map<String, Object> parkedRow(long id) {
        List<Map<String, Object>> rows = jdbc.sql("SELECT flow, connector, reason, attempts, payload FROM parked_message WHERE entity_key = ?")
                .param("customer:" + id).query().listOfRows();
        assertThat(rows).hasSize(1);
        Map<String, Object> row = new java.util.HashMap<>();
        rows.get(0).forEach((k, v) -> row.put(k.toLowerCase(), v instanceof Number n && k.equalsIgnoreCase("attempts") ? n.intValue() : v));
        return row;
    }

    long journal(long id, String outcome) {
        return jdbc.sql("SELECT COUNT(*) FROM sync_journal WHERE entity_type = 'CUSTOMER' AND entity_id = ? AND outcome = ?")
                .params(id, outcome).query(Long.class).single();
    }

    static String referenceOf(long id) {
        return io.crmhub.crm.canonical.CanonicalCustomer.referenceOf(id);
    }
}
