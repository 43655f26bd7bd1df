package io.crmhub.crm.customer;

import io.crmhub.crm.canonical.CustomerType;
import io.crmhub.crm.common.DataScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

@Repository
class CustomerRepository {
    private static final String COLUMNS = "id, customer_type, name, phone_e164, email, id_number, tax_number, country_code, "
            + "city, street, postal_code, version, created_at, updated_at, owner";
    private final JdbcClient jdbc;

    CustomerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long insert(Customer c) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO customer (customer_type, name, phone_e164, email, id_number, tax_number, country_code, city,
                                      street, postal_code, version, created_at, updated_at, owner)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(c.type().name(), c.name(), c.phone(), c.email(), c.idNumber(), c.taxNumber(), c.countryCode(),
                        c.city(), c.street(), c.postalCode(), c.version(), Timestamp.from(c.createdAt()),
                        Timestamp.from(c.updatedAt()), c.owner())
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    /** Optimistic update: true when the row still had {@code expectedVersion}. */
    boolean update(Customer c, long expectedVersion) {
        return jdbc.sql("""
                UPDATE customer SET customer_type = ?, name = ?, phone_e164 = ?, email = ?, id_number = ?, tax_number = ?,
                       country_code = ?, city = ?, street = ?, postal_code = ?, version = ?, updated_at = ?
                WHERE id = ? AND version = ?""")
                .params(c.type().name(), c.name(), c.phone(), c.email(), c.idNumber(), c.taxNumber(), c.countryCode(),
                        c.city(), c.street(), c.postalCode(), c.version(), Timestamp.from(c.updatedAt()), c.id(),
                        expectedVersion)
                .update() == 1;
    }

    /** The customer if it is in {@code scope} (another owner's customer is not found). */
    Optional<Customer> findById(long id, DataScope scope) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM customer WHERE id = ?" + scope.filter("owner"))
                .params(scope.params(List.of(id))).query(CustomerRepository::map).optional();
    }

    Optional<Customer> findByIdForUpdate(long id, DataScope scope) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM customer WHERE id = ?" + scope.filter("owner") + " FOR UPDATE")
                .params(scope.params(List.of(id))).query(CustomerRepository::map).optional();
    }

    /** Gives the customer another owner; its version (the state the ERPs receive) stays. */
    void updateOwner(long id, String owner) {
        jdbc.sql("UPDATE customer SET owner = ? WHERE id = ?").params(owner, id).update();
    }

    Optional<Long> findIdByPhone(String phone) {
        return jdbc.sql("SELECT id FROM customer WHERE phone_e164 = ?").param(phone).query(Long.class).optional();
    }

    Optional<Long> findIdByEmail(String email) {
        return jdbc.sql("SELECT id FROM customer WHERE email = ?").param(email).query(Long.class).optional();
    }

    List<Customer> page(DataScope scope, long offset, int size) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM customer WHERE 1 = 1" + scope.filter("owner") + " ORDER BY id LIMIT ? OFFSET ?")
                .params(scope.params(List.of(), size, offset)).query(CustomerRepository::map).list();
    }

    long count(DataScope scope) {
        return jdbc.sql("SELECT COUNT(*) FROM customer WHERE 1 = 1" + scope.filter("owner")).params(scope.params())
                .query(Long.class).single();
    }

    private static Customer map(ResultSet rs, int row) throws SQLException {
        return new Customer(rs.getLong("id"), CustomerType.valueOf(rs.getString("customer_type")), rs.getString("name"),
                rs.getString("phone_e164"), rs.getString("email"), rs.getString("id_number"), rs.getString("tax_number"),
                rs.getString("country_code"), rs.getString("city"), rs.getString("street"), rs.getString("postal_code"),
                rs.getLong("version"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                rs.getString("owner"));
    }
}
