package io.crmhub.crm.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmhub.protect.BlindIndex;
import io.crmhub.protect.KeyRing;
import io.crmhub.protect.PersonalDataCipher;
import io.crmhub.protect.ProtectionProperties;
import io.crmhub.support.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A store from before V10 (clear phones, e-mails and ID numbers in the customer table and in the copies: a customer
 * event in the outbox, a parked one, a journal message, an audit detail) migrated to the current schema: every value
 * sealed and found through the blind index, the clear columns gone, the copies sealed or masked.
 */
class PersonalDataSealingMigrationIT {

    @Test
    void existingRowsAreSealedIndexedAndTheirCopiesScrubbed() throws Exception {
        DriverManagerDataSource db = dataSource();
        String schema = "pii_migration_" + System.nanoTime();
        String vendor = TestDatabases.postgres() ? "postgresql" : "h2";
        Flyway before = Flyway.configure().dataSource(db).schemas(schema).createSchemas(true)
                .locations("classpath:db/migration", "classpath:db/vendor/" + vendor).target("8").load(); // the last version both vendors have (V9 is H2 only)
        before.migrate();
        JdbcClient jdbc = JdbcClient.create(withSchema(db, schema));
        jdbc.sql("""
                INSERT INTO customer (customer_type, name, phone_e164, email, id_number, country_code, version, created_at, updated_at)
                VALUES ('PERSON', 'Old Li', '+8613912345678', 'old.li@example.com', '11010519491231002X', 'CN', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""")
                .update();
        long id = jdbc.sql("SELECT id FROM customer WHERE name = 'Old Li'").query(Long.class).single();
        String event = "{\"id\":" + id + ",\"reference\":\"CRM-C-" + String.format("%010d", id) + "\",\"phone\":\"+8613912345678\","
                + "\"email\":\"old.li@example.com\",\"idNumber\":\"11010519491231002X\",\"name\":\"Old Li\"}";
        jdbc.sql("""
                INSERT INTO outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, destination, correlation_id,
                                    payload, created_at) VALUES ('e1', 'customer', ?, 1, 'created', 'crm.customer.changed', 'c1', ?, CURRENT_TIMESTAMP)""")
                .params(String.valueOf(id), event).update();
        jdbc.sql("""
                INSERT INTO parked_message (flow, entity_key, event_id, reason_class, reason, transient_fault, attempts, headers, payload,
                                            status, first_failed_at, last_failed_at)
                VALUES ('crm-to-erp.customer-upsert', ?, 'e1', 'X', 'SAP refused phone +8613912345678', FALSE, 1, '{}', ?, 'PARKED',
                        CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""").params("customer:" + id, event).update();
        jdbc.sql("""
                INSERT INTO sync_journal (entity_type, entity_id, system, flow, outcome, message, occurred_at)
                VALUES ('CUSTOMER', ?, 'erp-sap', 'crm-to-erp.customer-upsert', 'FAILED', 'mail old.li@example.com bounced', CURRENT_TIMESTAMP)""")
                .param(id).update();
        jdbc.sql("""
                INSERT INTO audit_log (occurred_at, actor, action, target_type, target_id, reason, detail)
                VALUES (CURRENT_TIMESTAMP, 'engineer', 'failure.replay', 'parked_message', '1', 'asked by old.li@example.com', '{"to":"old.li@example.com"}')""")
                .update();

        Path keyFile = Files.createTempDirectory("crmhub-migration-keys").resolve("personal-data.keys");
        KeyRing keys = KeyRing.load(new ProtectionProperties("", "", "", keyFile, true, 500), Clock.systemUTC());
        PersonalDataCipher cipher = new PersonalDataCipher(keys);
        BlindIndex index = new BlindIndex(keys);
        Flyway.configure().dataSource(db).schemas(schema).locations("classpath:db/migration", "classpath:db/vendor/" + vendor)
                .javaMigrations(new PersonalDataSealingMigration(cipher, index)).load().migrate();

        Map<String, Object> row = jdbc.sql("SELECT * FROM customer WHERE id = ?").param(id).query().singleRow();
        Map<String, Object> columns = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        columns.putAll(row);
        assertThat(columns).doesNotContainKeys("phone_e164", "email", "id_number");
        assertThat(cipher.open((String) columns.get("phone_sealed"))).isEqualTo("+8613912345678");
        assertThat(cipher.open((String) columns.get("email_sealed"))).isEqualTo("old.li@example.com");
        assertThat(cipher.open((String) columns.get("id_number_sealed"))).isEqualTo("11010519491231002X");
        assertThat(columns.get("pii_key")).isEqualTo(keys.activeId());
        assertThat(jdbc.sql("SELECT id FROM customer WHERE phone_hash = ?").param(index.phone("+8613912345678")).query(Long.class).list())
                .containsExactly(id);
        assertThat(jdbc.sql("SELECT id FROM customer WHERE email_hash = ?").param(index.email("old.li@example.com")).query(Long.class).list())
                .containsExactly(id);

        List<String> texts = new java.util.ArrayList<>();
        texts.addAll(jdbc.sql("SELECT payload FROM outbox").query(String.class).list());
        texts.addAll(jdbc.sql("SELECT payload FROM parked_message").query(String.class).list());
        texts.addAll(jdbc.sql("SELECT reason FROM parked_message").query(String.class).list());
        texts.addAll(jdbc.sql("SELECT message FROM sync_journal").query(String.class).list());
        texts.addAll(jdbc.sql("SELECT reason || detail FROM audit_log").query(String.class).list());
        for (String text : texts) {
            assertThat(text).doesNotContain("13912345678", "old.li@example.com", "19491231002X");
        }
        String sealedEvent = jdbc.sql("SELECT payload FROM outbox").query(String.class).single();
        assertThat(sealedEvent).contains("\"name\":\"Old Li\"").contains("\"phone\":\"pd1:" + keys.activeId() + ":");
        assertThat(jdbc.sql("SELECT message FROM sync_journal").query(String.class).single()).isEqualTo("mail o***@example.com bounced");
    }

    private static DriverManagerDataSource dataSource() {
        if (TestDatabases.postgres()) {
            return new DriverManagerDataSource(System.getProperty("spring.datasource.url"),
                    System.getProperty("spring.datasource.username", "postgres"), System.getProperty("spring.datasource.password", ""));
        }
        return new DriverManagerDataSource("jdbc:h2:mem:pii-migration-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    private static DriverManagerDataSource withSchema(DriverManagerDataSource db, String schema) {
        DriverManagerDataSource scoped = new DriverManagerDataSource(db.getUrl(), db.getUsername(), db.getPassword());
        scoped.setSchema(schema); // Flyway creates it quoted, as spelled
        return scoped;
    }
}
