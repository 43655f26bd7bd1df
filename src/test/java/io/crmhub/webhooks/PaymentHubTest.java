package io.crmhub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.support.HubIntegrationTest;
import java.math.BigDecimal;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/** What the payment tests of every provider share: a confirmed 50.20 CNY order to pay, and what payment did to it. */
abstract class PaymentHubTest extends HubIntegrationTest {

    record Order(long id, String number) {
    }

    /** A confirmed order of 2 × 0.10 + 0.5 × 99.99 = 50.20 CNY for a new customer. */
    protected Order confirmedOrder(String buyer) {
        long customer = createCustomer(buyer + " " + System.nanoTime(), uniquePhone(), "CN");
        ResponseEntity<String> created = call("sales", HttpMethod.POST, "/api/orders", """
                {"customerId":%d,"currency":"CNY","status":"CONFIRMED",
                 "lines":[{"sku":"TG11","description":"Tea set","quantity":2,"unit":"EA","unitPrice":"0.10"},
                          {"sku":"TG12","quantity":0.5,"unit":"KG","unitPrice":"99.99"}]}""".formatted(customer));
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        JsonNode order = json(created);
        return new Order(order.path("id").asLong(), order.path("orderNumber").asText());
    }

    protected long paymentsFor(long orderId) {
        return jdbc.sql("SELECT COUNT(*) FROM payment WHERE order_id = ?").param(orderId).query(Long.class).single();
    }

    protected BigDecimal paidAmount(long orderId) {
        return jdbc.sql("SELECT paid_amount FROM sales_order WHERE id = ?").param(orderId).query(BigDecimal.class).single();
    }

    protected long webhookRefusals() {
        return jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'webhook.refused'").query(Long.class).single();
    }
}
