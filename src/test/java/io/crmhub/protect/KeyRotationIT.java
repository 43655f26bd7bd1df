package io.crmhub.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.sandbox.SapSandboxServer;
import io.crmhub.support.HubProcess;
import io.crmhub.support.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's rotation in the default run (key file under the data directory), end to end on a real hub process:
 * rotate, let the re-encryption job move every stored value, restart, and every customer is still found by phone, an
 * update still reaches SAP with the clear phone, and the rotation is in the audit log.
 */
class KeyRotationIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<HubProcess> hubs = new ArrayList<>();
    private SapSandboxServer sap;

    @AfterEach
    void stop() {
        hubs.forEach(HubProcess::close);
        if (sap != null) {
            sap.close();
        }
    }

    @Test
    void aRotatedKeyReEncryptsEveryStoredValueAndAfterARestartEveryCustomerIsStillFoundByPhone() throws Exception {
        sap = SapSandboxServer.start(0, "rotation-user", "rotation-password");
        Path dir = Files.createTempDirectory("crmhub-key-rotation");
        int port = HubProcess.freePort();
        List<String> args = arguments(dir);

        HubProcess first = start("key-rotation-1", port, args);
        Map<Long, String> phones = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            String national = "139" + ThreadLocalRandom.current().nextLong(10_000_000L, 99_999_999L);
            phones.put(create(first, "Rotation " + i + " " + System.nanoTime(), national, "CN"), national);
        }
        long parked = create(first, "Rotation Paris " + System.nanoTime(), "+33612345678", "FR"); // parked: sealed payload kept
        await().atMost(Duration.ofSeconds(60)).until(() -> first.allLinked(List.copyOf(phones.keySet())) && first.parkedCount() >= 1);
        String oldKey = status(first).path("activeKey").asText();

        HttpResponse<String> rotated = first.post("engineer", "/api/ops/protection/keys/rotate", "{\"reason\":\"rotation test\"}");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(202);
        String newKey = JSON.readTree(rotated.body()).path("activeKey").asText();
        assertThat(newKey).isNotEqualTo(oldKey);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode job = status(first).path("reencryption");
            return !job.path("running").asBoolean() && job.path("totalRemaining").asLong() == 0;
        });
        JsonNode done = status(first).path("reencryption");
        assertThat(done.path("resealed").asLong()).as("customers, their outbox events and the parked one")
                .isGreaterThanOrEqualTo(phones.size() + 1 + 1);
        assertThat(done.path("lastError").asText(null)).as("the job's last error").isNull();
        first.kill();

        HubProcess second = start("key-rotation-2", port, args);
        JsonNode after = status(second);
        assertThat(after.path("activeKey").asText()).isEqualTo(newKey);
        assertThat(after.path("keyIds").toString()).contains(oldKey, newKey);
        assertThat(after.path("reencryption").path("totalRemaining").asLong()).isZero();
        for (Map.Entry<Long, String> e : phones.entrySet()) {
            HttpResponse<String> found = second.get("finance", "/api/customers?phone=" + e.getValue());
            assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
            JsonNode items = JSON.readTree(found.body()).path("items");
            assertThat(items).as("found by phone %s", e.getValue()).hasSize(1);
            assertThat(items.get(0).path("id").asLong()).isEqualTo(e.getKey());
        }
        HttpResponse<String> parkedRow = second.get("engineer", "/api/ops/failures?entityKey=customer:" + parked);
        assertThat(parkedRow.body()).doesNotContain("pd1:" + oldKey + ":");

        long updated = phones.keySet().iterator().next();
        String national = phones.get(updated);
        HttpResponse<String> put = second.put("sales", "/api/customers/" + updated, body("Rotation Renamed", national, "CN"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> sap.sap().partners().values().stream()
                .anyMatch(p -> p.toString().contains("Rotation Renamed") && p.toString().contains(national.substring(3))));

        JsonNode audit = JSON.readTree(second.get("engineer", "/api/ops/audit?action=protection.key-rotate").body());
        assertThat(audit.path("totalItems").asLong()).isEqualTo(1);
        assertThat(audit.path("items").get(0).path("actor").asText()).isEqualTo("engineer");
    }

    private static long create(HubProcess hub, String name, String phone, String country) throws Exception {
        HttpResponse<String> r = hub.post("sales", "/api/customers", body(name, phone, country));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("id").asLong();
    }

    private static String body(String name, String phone, String country) {
        return """
                {"type":"ORGANIZATION","name":"%s","phone":"%s","address":{"countryCode":"%s","city":"Shanghai"}}"""
                .formatted(name, phone, country);
    }

    private static JsonNode status(HubProcess hub) throws Exception {
        HttpResponse<String> r = hub.get("engineer", "/api/ops/protection");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HubProcess start(String name, int port, List<String> args) throws Exception {
        HubProcess hub = HubProcess.start(name, port, args);
        hubs.add(hub);
        return hub.awaitUp();
    }

    private List<String> arguments(Path dir) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.artemis.embedded.data-directory=" + dir.resolve("artemis"),
                "--crmhub.sandbox.enabled=false",
                "--crmhub.broker.tcp-acceptor=",
                "--crmhub.mappings.override-dir=",
                "--crmhub.connectors.erp-sap.base-url=" + sap.baseUrl(),
                "--crmhub.connectors.erp-sap.username=rotation-user",
                "--crmhub.connectors.erp-sap.password=rotation-password",
                "--crmhub.connectors.erp-sap.gross-price-condition=" + io.crmhub.sandbox.SapBusinessPartnerSandbox.GROSS_PRICE_CONDITION,
                "--crmhub.retry.initial-delay-ms=100"));
        args.addAll(TestDatabases.arguments(dir, "keyrotation"));
        return args;
    }
}
