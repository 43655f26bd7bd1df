package io.crmhub.crm.customer;

import io.crmhub.crm.canonical.CustomerType;
import io.crmhub.protect.BlindIndex;
import io.crmhub.protect.PersonalDataCipher;
import io.crmhub.protect.ResealableStore;
import io.crmhub.crm.common.DataScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/**
 * Customer rows. Phone, e-mail and ID number are stored sealed (their clear values exist only in memory) with a
 * blind index each for lookups and uniqueness, and the row's key id for the re-encryption job.
 */
@Repository
class CustomerRepository implements ResealableStore {
    private static final String COLUMNS = "id, customer_type, name, phone_sealed, email_sealed, id_number_sealed, tax_number, "
            + "country_code, city, street, postal_code, version, created_at, updated_at, owner";
    private final JdbcClient jdbc;
    private final PersonalDataCipher cipher;
    private final BlindIndex index;

    CustomerRepository(JdbcClient jdbc, PersonalDataCipher cipher, BlindIndex index) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.index = index;
    }

    long insert(Customer c) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO customer (customer_type, name, phone_sealed, phone_hash, email_sealed, email_hash,
                                      id_number_sealed, id_number_hash, pii_key, tax_number, country_code, city,
                                      street, postal_code, version, created_at, updated_at, owner)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(c.type().name(), c.name(), cipher.seal(c.phone()), index.phone(c.phone()), cipher.seal(c.email()),
                        index.email(c.email()), cipher.seal(c.idNumber()), index.idNumber(c.idNumber()), cipher.activeKeyId(),
                        c.taxNumber(), c.countryCode(), c.city(), c.street(), c.postalCode(), c.version(),
                        Timestamp.from(c.createdAt()), Timestamp.from(c.updatedAt()), c.owner())
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    /** Optimistic update: true when the row still had {@code expectedVersion}. */
    boolean update(Customer c, long expectedVersion) {
        return jdbc.sql("""
                UPDATE customer SET customer_type = ?, name = ?, phone_sealed = ?, phone_hash = ?, email_sealed = ?,
                       email_hash = ?, id_number_sealed = ?, id_number_hash = ?, pii_key = ?, tax_number = ?,
                       country_code = ?, city = ?, street = ?, postal_code = ?, version = ?, updated_at = ?
                WHERE id = ? AND version = ?""")
                .params(c.type().name(), c.name(), cipher.seal(c.phone()), index.phone(c.phone()), cipher.seal(c.email()),
                        index.email(c.email()), cipher.seal(c.idNumber()), index.idNumber(c.idNumber()), cipher.activeKeyId(),
                        c.taxNumber(), c.countryCode(), c.city(), c.street(), c.postalCode(), c.version(),
                        Timestamp.from(c.updatedAt()), c.id(), expectedVersion)
                .update() == 1;
    }

    /** The customer if it is in {@code scope} (another owner's customer is not found). */
    Optional<Customer> findById(long id, DataScope scope) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM customer WHERE id = ?" + scope.filter("owner"))
                .params(scope.params(List.of(id))).query(this::map).optional();
    }

    Optional<Customer> findByIdForUpdate(long id, DataScope scope) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM customer WHERE id = ?" + scope.filter("owner") + " FOR UPDATE")
                .params(scope.params(List.of(id))).query(this::map).optional();
    }

    /** Gives the customer another owner; its version (the state the ERPs receive) stays. */
    void updateOwner(long id, String owner) {
        jdbc.sql("UPDATE customer SET owner = ? WHERE id = ?").params(owner, id).update();
    }

    Optional<Long> findIdByPhone(String phone) {
        return jdbc.sql("SELECT id FROM customer WHERE phone_hash = ?").param(index.phone(phone)).query(Long.class).optional();
    }

    Optional<Long> findIdByEmail(String email) {
        return jdbc.sql("SELECT id FROM customer WHERE email_hash = ?").param(index.email(email)).query(Long.class).optional();
    }

    List<Customer> page(DataScope scope, long offset, int size) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM customer WHERE 1 = 1" + scope.filter("owner") + " ORDER BY id LIMIT ? OFFSET ?")
                .params(scope.params(List.of(), size, offset)).query(this::map).list();
    }

    long count(DataScope scope) {
        return jdbc.sql("SELECT COUNT(*) FROM customer WHERE 1 = 1" + scope.filter("owner")).params(scope.params())
                .query(Long.class).single();
    }

    @Override
    public String name() {
        return "customer";
    }

    @Override
    public long remaining(String activeKeyId) {
        return jdbc.sql("SELECT COUNT(*) FROM customer WHERE pii_key <> ?").param(activeKeyId).query(Long.class).single();
    }

    /** Runs inside the caller's transaction (the job's); each row is updated only if no one re-sealed it meanwhile. */
    @Override
    @org.springframework.transaction.annotation.Transactional
    public Batch resealBatch(PersonalDataCipher with, long afterId, int max) {
        record Row(long id, String key, String phone, String email, String idNumber) {
        }
        List<Row> rows = jdbc.sql("""
                SELECT id, pii_key, phone_sealed, email_sealed, id_number_sealed FROM customer
                WHERE pii_key <> ? AND id > ? ORDER BY id LIMIT ?""")
                .params(with.activeKeyId(), afterId, max)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .list();
        int moved = 0;
        for (Row r : rows) {
            moved += jdbc.sql("""
                    UPDATE customer SET phone_sealed = ?, email_sealed = ?, id_number_sealed = ?, pii_key = ?
                    WHERE id = ? AND pii_key = ?""")
                    .params(with.resealAll(r.phone()), with.resealAll(r.email()), with.resealAll(r.idNumber()),
                            with.activeKeyId(), r.id(), r.key())
                    .update();
        }
        return new Batch(rows.isEmpty() ? -1 : rows.get(rows.size() - 1).id(), moved);
    }

    private Customer map(ResultSet rs, int row) throws SQLException {
        return new Customer(rs.getLong("id"), CustomerType.valueOf(rs.getString("customer_type")), rs.getString("name"),
                cipher.open(rs.getString("phone_sealed")), cipher.open(rs.getString("email_sealed")),
                cipher.open(rs.getString("id_number_sealed")), rs.getString("tax_number"),
                rs.getString("country_code"), rs.getString("city"), rs.getString("street"), rs.getString("postal_code"),
                rs.getLong("version"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                rs.getString("owner"));
    }
}
