package io.crmhub.crm.customer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmhub.logging.PiiMasking;
import io.crmhub.protect.BlindIndex;
import io.crmhub.protect.PersonalDataCipher;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.stereotype.Component;

/**
 * Flyway V10.1: seals the personal values of customers stored before V10 (a Java migration because it needs the key;
 * Spring Boot hands Flyway every {@code JavaMigration} bean), and scrubs their copies: customer event payloads in the
 * outbox and parked messages get the same sealed values, journal messages and audit texts are masked. Runs once, in
 * Flyway's transaction; a new store has nothing to do.
 */
@Component
class PersonalDataSealingMigration implements JavaMigration {
    private static final List<String> EVENT_FIELDS = List.of("phone", "email", "idNumber");
    private final PersonalDataCipher cipher;
    private final BlindIndex index;
    private final ObjectMapper json = new ObjectMapper();

    PersonalDataSealingMigration(PersonalDataCipher cipher, BlindIndex index) {
        this.cipher = cipher;
        this.index = index;
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("10.1");
    }

    @Override
    public String getDescription() {
        return "personal data sealed";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) {
        JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(context.getConnection(), true));
        List<Object[]> customers = new ArrayList<>();
        jdbc.query("SELECT id, phone_e164, email, id_number FROM customer WHERE pii_key IS NULL", rs -> {
            String phone = rs.getString(2);
            String email = rs.getString(3);
            String idNumber = rs.getString(4);
            customers.add(new Object[] {cipher.seal(phone), index.phone(phone), cipher.seal(email), index.email(email),
                    cipher.seal(idNumber), index.idNumber(idNumber), cipher.activeKeyId(), rs.getLong(1)});
        });
        jdbc.batchUpdate("""
                UPDATE customer SET phone_sealed = ?, phone_hash = ?, email_sealed = ?, email_hash = ?, id_number_sealed = ?,
                       id_number_hash = ?, pii_key = ?, phone_e164 = NULL, email = NULL, id_number = NULL
                WHERE id = ?""", customers);

        rewrite(jdbc, "SELECT id, payload FROM outbox WHERE aggregate_type = 'customer'", "UPDATE outbox SET payload = ? WHERE id = ?",
                this::sealEvent);
        rewrite(jdbc, "SELECT id, payload FROM parked_message WHERE payload IS NOT NULL",
                "UPDATE parked_message SET payload = ? WHERE id = ?", this::sealEvent);
        rewrite(jdbc, "SELECT id, reason FROM parked_message", "UPDATE parked_message SET reason = ? WHERE id = ?", PiiMasking::mask);
        rewrite(jdbc, "SELECT id, message FROM sync_journal WHERE message IS NOT NULL",
                "UPDATE sync_journal SET message = ? WHERE id = ?", PiiMasking::mask);
        rewrite(jdbc, "SELECT id, last_message FROM external_link WHERE last_message IS NOT NULL",
                "UPDATE external_link SET last_message = ? WHERE id = ?", PiiMasking::mask);
        rewrite(jdbc, "SELECT id, reason FROM audit_log WHERE reason IS NOT NULL", "UPDATE audit_log SET reason = ? WHERE id = ?",
                PiiMasking::mask);
        rewrite(jdbc, "SELECT id, detail FROM audit_log WHERE detail IS NOT NULL", "UPDATE audit_log SET detail = ? WHERE id = ?",
                PiiMasking::mask);
    }

    /** A customer event (or a parked one) with its personal fields sealed; other texts masked. */
    private String sealEvent(String payload) {
        JsonNode node;
        try {
            node = json.readTree(payload);
        } catch (Exception e) {
            return PiiMasking.mask(payload);
        }
        if (!(node instanceof ObjectNode event) || !event.has("reference")) {
            return PiiMasking.mask(payload);
        }
        for (String field : EVENT_FIELDS) {
            JsonNode value = event.get(field);
            if (value != null && value.isTextual() && !PersonalDataCipher.isSealed(value.asText())) {
                event.put(field, cipher.seal(value.asText()));
            }
        }
        try {
            return json.writeValueAsString(event);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write a sealed event payload", e);
        }
    }

    private static void rewrite(JdbcTemplate jdbc, String select, String update, java.util.function.UnaryOperator<String> change) {
        List<Object[]> rows = new ArrayList<>();
        jdbc.query(select, rs -> {
            String before = rs.getString(2);
            String after = change.apply(before);
            if (!Objects.equals(before, after)) {
                rows.add(new Object[] {after, rs.getLong(1)});
            }
        });
        jdbc.batchUpdate(update, rows);
    }
}
