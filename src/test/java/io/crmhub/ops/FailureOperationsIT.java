package io.crmhub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.TestDatabases;
import io.crmhub.support.SapTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The operations surface on real parked messages: a customer whose country has no SAP language mapping is parked;
 * an engineer finds it, fixes the value map in the mappings directory, replays it, and it reaches SAP; the audit log
 * and message tracking show what happened.
 */
class FailureOperationsIT extends HubIntegrationTest {
    private static final Path MAPPINGS;

    static {
        try {
            MAPPINGS = Files.createTempDirectory("crmhub-mappings");
            Files.createDirectories(MAPPINGS.resolve("sap"));
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void mappingsDirectory(DynamicPropertyRegistry registry) {
        registry.add("crmhub.mappings.override-dir", MAPPINGS::toString);
        TestDatabases.own(registry, "failureops");
    }

    @Test
    void aParkedMessageFixedByEditingTheValueMapAndReplayedIsDeliveredAndAudited() throws Exception {
        String phone = uniquePhone();
        long id = createCustomer("Lyon Fromagerie " + System.nanoTime(), phone, "FR");
        long parkedId = awaitParked(id);

        JsonNode list = json(call("engineer", HttpMethod.GET, "/api/ops/failures?entity=customer:" + id, null));
        assertThat(list.path("totalItems").asLong()).isEqualTo(1);
        JsonNode row = list.path("items").get(0);
        assertThat(row.path("flow").asText()).isEqualTo("crm-to-erp.customer-upsert");
        assertThat(row.path("reason").asText()).isEqualTo("value map sap/correspondence-language v1 has no entry for 'FR'");
        assertThat(row.path("status").asText()).isEqualTo("PARKED");

        ResponseEntity<String> detail = call("engineer", HttpMethod.GET, "/api/ops/failures/" + parkedId, null);
        assertThat(detail.getStatusCode().value()).isEqualTo(200);
        assertThat(json(detail).path("payload").asText()).contains("Lyon Fromagerie").doesNotContain(phone.substring(3));

        // replaying before the fix parks it again, on the same row
        JsonNode early = json(call("engineer", HttpMethod.POST, "/api/ops/failures/" + parkedId + "/replay", "{\"reason\":\"try\"}"));
        assertThat(early.path("replayed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> "PARKED".equals(status(parkedId)) && replayCount(parkedId) == 1);

        Files.writeString(MAPPINGS.resolve("sap/correspondence-language.yaml"), """
                provider: sap
                table: correspondence-language
                version: 2
                description: test override adding France
                entries:
                  CN: "ZH"
                  FR: "FR"
                """);
        JsonNode replay = json(call("engineer", HttpMethod.POST, "/api/ops/failures/" + parkedId + "/replay",
                "{\"reason\":\"FR added to correspondence-language v2\"}"));
        assertThat(replay.path("replayed").asInt()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(20)).until(() -> "RESOLVED".equals(status(parkedId)));
        String reference = CanonicalCustomer.referenceOf(id);
        assertThat(SapTestServer.sap().partners().values().stream()
                .filter(p -> p.path("BusinessPartnerIDByExtSystem").asText().equals(reference))
                .map(p -> p.path("CorrespondenceLanguage").asText()).toList()).containsExactly("FR");
        assertThat(jdbc.sql("SELECT last_status FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ?")
                .param(id).query(String.class).single()).isEqualTo("SYNCED");

        JsonNode audit = json(call("engineer", HttpMethod.GET,
                "/api/ops/audit?targetType=parked_message&targetId=" + parkedId, null)).path("items");
        List<String> actions = new ArrayList<>();
        audit.forEach(e -> actions.add(e.path("action").asText() + " by " + e.path("actor").asText() + ": " + e.path("reason").asText()));
        assertThat(actions).containsExactly(
                "failure.replay by engineer: FR added to correspondence-language v2",
                "failure.replay by engineer: try");

        JsonNode tracked = json(call("engineer", HttpMethod.GET, "/api/ops/messages?key=" + CanonicalCustomer.referenceOf(id), null));
        List<String> hops = new ArrayList<>();
        tracked.path("messages").get(0).path("hops").forEach(h -> hops.add(h.path("hop").asText() + "=" + h.path("outcome").asText()));
        assertThat(hops).containsSubsequence("crm.commit=OK", "broker.publish=OK", "crm-to-erp.customer-upsert=PARKED",
                "ops.failure.replay=BY engineer", "ops.failure.replay=BY engineer", "crm-to-erp.customer-upsert=SYNCED");
    }

    @Test
    void aDryRunReportsWhatWouldBeReplayedAndChangesNothing() {
        long id = createCustomer("Dry Run SARL " + System.nanoTime(), uniquePhone(), "IT");
        long parkedId = awaitParked(id);
        JsonNode dry = json(call("engineer", HttpMethod.POST, "/api/ops/failures/replay",
                "{\"filter\":{\"entity\":\"CUSTOMER:" + id + "\"},\"dryRun\":true}"));
        assertThat(dry.path("dryRun").asBoolean()).isTrue();
        assertThat(dry.path("matched").asInt()).isEqualTo(1);
        assertThat(dry.path("replayed").asInt()).isZero();
        assertThat(dry.path("items").get(0).path("id").asLong()).isEqualTo(parkedId);
        assertThat(status(parkedId)).isEqualTo("PARKED");
        assertThat(replayCount(parkedId)).isZero();
    }

    @Test
    void discardNeedsAReasonAndIsAuditedAndADiscardedMessageIsNotReplayed() {
        long id = createCustomer("Discard GmbH " + System.nanoTime(), uniquePhone(), "AT");
        long parkedId = awaitParked(id);

        ResponseEntity<String> noReason = call("engineer", HttpMethod.POST, "/api/ops/failures/" + parkedId + "/discard", "{}");
        assertThat(noReason.getStatusCode().value()).isEqualTo(400);
        assertThat(noReason.getBody()).contains("\"field\":\"reason\"");

        ResponseEntity<String> discarded = call("engineer", HttpMethod.POST, "/api/ops/failures/" + parkedId + "/discard",
                "{\"reason\":\"customer closed, not needed in SAP\"}");
        assertThat(discarded.getStatusCode().value()).isEqualTo(200);
        assertThat(json(discarded).path("status").asText()).isEqualTo("DISCARDED");

        JsonNode replay = json(call("engineer", HttpMethod.POST, "/api/ops/failures/" + parkedId + "/replay", null));
        assertThat(replay.path("replayed").asInt()).isZero();
        assertThat(replay.path("skipped").get(0).path("why").asText()).contains("DISCARDED");

        JsonNode audit = json(call("engineer", HttpMethod.GET, "/api/ops/audit?action=failure.discard&targetId=" + parkedId, null))
                .path("items");
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).path("reason").asText()).isEqualTo("customer closed, not needed in SAP");
    }

    @Test
    void onlyEngineersOperateFlowsAndBadFiltersAreNamed() {
        assertThat(call("sales", HttpMethod.GET, "/api/ops/failures", null).getStatusCode().value()).isEqualTo(403);
        assertThat(call("finance", HttpMethod.POST, "/api/ops/failures/replay", "{\"dryRun\":true}").getStatusCode().value()).isEqualTo(403);
        assertThat(call(null, HttpMethod.GET, "/api/ops/failures", null).getStatusCode().value()).isEqualTo(401);

        ResponseEntity<String> badAge = call("engineer", HttpMethod.GET, "/api/ops/failures?olderThan=yesterday", null);
        assertThat(badAge.getStatusCode().value()).isEqualTo(400);
        assertThat(badAge.getBody()).contains("olderThan");
        ResponseEntity<String> badStatus = call("engineer", HttpMethod.GET, "/api/ops/failures?status=LOST", null);
        assertThat(badStatus.getStatusCode().value()).isEqualTo(400);
        assertThat(badStatus.getBody()).contains("\"field\":\"status\"");
        assertThat(call("engineer", HttpMethod.GET, "/api/ops/failures/999999999", null).getStatusCode().value()).isEqualTo(404);
    }

    private long awaitParked(long customerId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("SELECT COUNT(*) FROM parked_message WHERE entity_key = ?")
                .param("customer:" + customerId).query(Long.class).single() == 1);
        return jdbc.sql("SELECT id FROM parked_message WHERE entity_key = ?").param("customer:" + customerId).query(Long.class).single();
    }

    private String status(long parkedId) {
        return jdbc.sql("SELECT status FROM parked_message WHERE id = ?").param(parkedId).query(String.class).single();
    }

    private int replayCount(long parkedId) {
        return jdbc.sql("SELECT replay_count FROM parked_message WHERE id = ?").param(parkedId).query(Integer.class).single();
    }
}
