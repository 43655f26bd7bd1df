package io.crmhub.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.support.RawStoreScan;
import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.sandbox.SapSandboxServer;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import io.crmhub.support.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Phones, ID numbers and e-mails never reach the disk in clear: after customers are created, synced to SAP (which does
 * get the clear values), updated and one parked, the raw database files (H2's file, or PostgreSQL's relation files read
 * through {@code pg_read_binary_file}), every row of every table and the Artemis journal hold none of them — while the
 * same scans do find each customer's name, so they would find a clear phone. No answer to any role holds one either.
 */
class PersonalDataAtRestIT extends HubIntegrationTest {
    private static final SapSandboxServer SAP = SapSandboxServer.start(0, SapTestServer.USER, SapTestServer.PASSWORD);
    private static final Path DIR = tempDir();

    @DynamicPropertySource
    static void ownStoreOnDisk(DynamicPropertyRegistry registry) {
        registry.add("crmhub.test.sap-url", SAP::baseUrl);
        TestDatabases.own(registry, "pii_at_rest");
        if (!TestDatabases.postgres()) {
            registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + DIR.resolve("db/crmhub") + ";WRITE_DELAY=0");
        }
        registry.add("spring.artemis.embedded.data-directory", () -> DIR.resolve("artemis").toString());
    }

    record Person(long id, String name, String national, String email, String idNumber) {
        List<String> secrets() {
            return List.of(national, email, idNumber);
        }
    }

    @Test
    void noClearPhoneIdNumberOrEmailInTheDatabaseFilesTheBrokerJournalOrAnyAnswer() throws Exception {
        List<Person> people = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            people.add(create("CN", "139"));
        }
        Person parked = create("FR", null); // no SAP value for FR: parked at once, with its event payload
        Person updated = people.get(0);
        ResponseEntity<String> put = call("sales", HttpMethod.PUT, "/api/customers/" + updated.id(), body(updated, "CN", "Updated"));
        assertThat(put.getStatusCode().value()).as(put.getBody()).isEqualTo(200);
        people.add(parked);
        await().atMost(Duration.ofSeconds(30)).until(() -> parkedCount("crm-to-erp.customer-upsert", "customer:" + parked.id()) == 1);
        awaitFlowsIdle();

        String sapRecords = SAP.sap().partners().values().toString();
        for (Person p : people.subList(0, 3)) {
            assertThat(sapRecords).as("the provider call sees the clear phone").contains(p.national());
        }

        RawStoreScan db = RawStoreScan.database(jdbc, DIR.resolve("db"));
        RawStoreScan journal = RawStoreScan.files(DIR.resolve("artemis"));
        for (Person p : people) {
            assertThat(db.inRows(p.name())).as("the row scan sees clear text (%s)", db.describe()).isTrue();
            assertThat(db.inFiles(p.name())).as("the file scan sees clear text (%s)", db.describe()).isTrue();
            assertThat(journal.inFiles(CanonicalCustomer.referenceOf(p.id()))).as("the journal scan sees clear text (%s)",
                    journal.describe()).isTrue();
            for (String secret : p.secrets()) {
                assertThat(db.inRows(secret)).as("%s in a row", secret).isFalse();
                assertThat(db.inFiles(secret)).as("%s in the database files (%s)", secret, db.describe()).isFalse();
                assertThat(journal.inFiles(secret)).as("%s in the broker journal", secret).isFalse();
            }
        }

        long parkedId = jdbc.sql("SELECT id FROM parked_message WHERE entity_key = ?").param("customer:" + parked.id())
                .query(Long.class).single();
        for (String user : List.of("sales", "finance", "engineer")) {
            for (Person p : people) {
                assertNoSecret(call(user, HttpMethod.GET, "/api/customers/" + p.id(), null), p);
                assertNoSecret(call(user, HttpMethod.GET, "/api/customers?email=" + p.email(), null), p);
            }
            assertNoSecret(call(user, HttpMethod.GET, "/api/customers?phone=" + people.get(1).national(), null), people.get(1));
        }
        assertNoSecret(call("engineer", HttpMethod.GET, "/api/ops/failures/" + parkedId, null), parked);
        assertNoSecret(call("engineer", HttpMethod.GET, "/api/ops/messages?key=" + CanonicalCustomer.referenceOf(parked.id()), null), parked);
    }

    private Person create(String country, String mobilePrefix) {
        long n = ThreadLocalRandom.current().nextLong(10_000_000L, 99_999_999L);
        String national = "FR".equals(country) ? "61" + String.format("%07d", n % 10_000_000) : mobilePrefix + n; // 61…: a French mobile range
        String name = "Pii Probe " + System.nanoTime();
        String email = "probe." + n + "@pii.example";
        String idNumber = "11010519" + n + "1X".substring(0, 1) + "X";
        Person p = new Person(0, name, national, email, idNumber);
        ResponseEntity<String> created = call("sales", HttpMethod.POST, "/api/customers", body(p, country, ""));
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        return new Person(json(created).path("id").asLong(), name, national, email, idNumber);
    }

    private static String body(Person p, String country, String suffix) {
        String phone = "FR".equals(country) ? "+33" + p.national() : p.national();
        return """
                {"type":"PERSON","name":"%s%s","phone":"%s","email":"%s","idNumber":"%s","address":{"countryCode":"%s","city":"Shanghai"}}"""
                .formatted(p.name(), suffix, phone, p.email(), p.idNumber(), country);
    }

    private static void assertNoSecret(ResponseEntity<String> answer, Person p) {
        assertThat(answer.getStatusCode().is2xxSuccessful()).as(answer.getBody()).isTrue();
        for (String secret : p.secrets()) {
            assertThat(answer.getBody()).as("an answer holds %s", secret).doesNotContain(secret);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("crmhub-pii-at-rest");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
