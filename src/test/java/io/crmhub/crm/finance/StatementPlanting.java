package io.crmhub.crm.finance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.sandbox.SapSandboxServer;
import java.sql.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the statement reconciliation tests plant before their payments, by SQL (no events, so no flow runs) and in
 * their SAP sandbox: a customer linked to an SAP business partner, and one confirmed order to hang the payments on.
 */
final class StatementPlanting {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatementPlanting() {
    }

    /** @param partner the customer's SAP business partner number */
    record CustomerOrder(long customer, String partner, long order) {
    }

    /** A customer named {@code name}, its partner {@code partnerBase + id} in SAP, and order {@code orderNumber}. */
    static CustomerOrder customerWithOrder(JdbcTemplate batch, JdbcClient jdbc, SapSandboxServer sap, String name, long partnerBase,
                                           String orderNumber, String currency) {
        Timestamp now = Timestamp.from(java.time.Instant.now());
        batch.update("INSERT INTO customer (customer_type, name, country_code, version, created_at, updated_at) VALUES ('ORGANIZATION', ?, 'CN', 1, ?, ?)",
                name, now, now);
        long customer = jdbc.sql("SELECT id FROM customer WHERE name = ?").param(name).query(Long.class).single();
        String partner = String.valueOf(partnerBase + customer);
        ObjectNode bp = JSON.createObjectNode().put("BusinessPartner", partner)
                .put("BusinessPartnerIDByExtSystem", CanonicalCustomer.referenceOf(customer)).put("OrganizationBPName1", name);
        sap.sap().partners().put(partner, bp);
        batch.update("""
                INSERT INTO external_link (entity_type, entity_id, system, external_id, synced_version, last_status, last_synced_at)
                VALUES ('CUSTOMER', ?, 'erp-sap', ?, 1, 'SYNCED', ?)""", customer, partner, now);
        batch.update("""
                INSERT INTO sales_order (order_number, customer_id, status, currency, total_amount, paid_amount, version, created_at, updated_at)
                VALUES (?, ?, 'CONFIRMED', ?, 0, 0, 1, ?, ?)""", orderNumber, customer, currency, now, now);
        long order = jdbc.sql("SELECT id FROM sales_order WHERE order_number = ?").param(orderNumber).query(Long.class).single();
        return new CustomerOrder(customer, partner, order);
    }
}
