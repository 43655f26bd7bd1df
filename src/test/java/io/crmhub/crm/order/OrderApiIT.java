package io.crmhub.crm.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.support.HubIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

class OrderApiIT extends HubIntegrationTest {

    private String order(long customerId, String status, String price) {
        return """
                {"customerId":%d,"currency":"CNY","status":"%s","note":"first order",
                 "lines":[{"sku":"TG11","description":"Tea set","quantity":2,"unit":"EA","unitPrice":%s},
                          {"sku":"TG12","quantity":0.5,"unit":"KG","unitPrice":"99.99"}]}""".formatted(customerId, status, price);
    }

    @Test
    void anOrderKeepsExactMoneyAndMovesThroughItsLifeCycle() {
        long customer = createCustomer("Order Co", uniquePhone(), "CN");
        ResponseEntity<String> created = call("sales", HttpMethod.POST, "/api/orders", order(customer, "DRAFT", "0.10"));
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        JsonNode order = json(created);
        long id = order.path("id").asLong();
        assertThat(order.path("orderNumber").asText()).isEqualTo("SO-%010d".formatted(id));
        // 2 x 0.10 + 0.5 x 99.99 = 0.20 + 50.00 (49.995 rounded half-up to the fen)
        assertThat(order.path("totalAmount").asText()).isEqualTo("50.20");
        assertThat(order.path("lines").get(1).path("lineAmount").asText()).isEqualTo("50.00");

        ResponseEntity<String> confirmed = call("sales", HttpMethod.PUT, "/api/orders/" + id, order(customer, "CONFIRMED", "0.10"));
        assertThat(json(confirmed).path("status").asText()).isEqualTo("CONFIRMED");
        assertThat(json(confirmed).path("version").asLong()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT event_type FROM outbox WHERE aggregate_type = 'order' AND aggregate_id = ? ORDER BY id")
                .param(String.valueOf(id)).query(String.class).list()).containsExactly("created", "confirmed");

        ResponseEntity<String> backToDraft = call("sales", HttpMethod.PUT, "/api/orders/" + id, order(customer, "DRAFT", "0.10"));
        assertThat(backToDraft.getStatusCode().value()).isEqualTo(400);
        assertThat(json(backToDraft).path("errors").get(0).path("field").asText()).isEqualTo("status");

        JsonNode read = json(call("finance", HttpMethod.GET, "/api/orders/" + id, null));
        assertThat(read.path("lines")).hasSize(2);
        assertThat(read.path("totalAmount").asText()).isEqualTo("50.20");
        JsonNode byCustomer = json(call("sales", HttpMethod.GET, "/api/orders?customerId=" + customer, null));
        assertThat(byCustomer.path("totalItems").asLong()).isEqualTo(1);
    }

    @Test
    void badOrdersAreProblemsAndWriteNothing() {
        long customer = createCustomer("Bad Order Co", uniquePhone(), "CN");
        long before = jdbc.sql("SELECT COUNT(*) FROM sales_order").query(Long.class).single();
        String[][] cases = {
                {"{\"customerId\":" + customer + ",\"currency\":\"CNY\",\"lines\":[]}", "lines"},
                {order(customer, "DRAFT", "\"-1\""), "lines[0].unitPrice"},
                {order(customer, "DRAFT", "1.23456"), "lines[0].unitPrice"},
                {order(customer, "DRAFT", "\"ten\""), "lines[0].unitPrice"},
                {order(customer, "DRAFT", "1").replace("\"CNY\"", "\"XYZ\""), "currency"},
                {order(customer, "DRAFT", "1").replace("\"CNY\"", "\"cny\""), "currency"},
                {order(999_999_999L, "DRAFT", "1"), "customerId"},
                {order(customer, "CANCELLED", "1"), "status"},
                {order(customer, "SHIPPED", "1"), "status"},
        };
        for (String[] c : cases) {
            ResponseEntity<String> response = call("sales", HttpMethod.POST, "/api/orders", c[0]);
            assertThat(response.getStatusCode().value()).as(c[1] + ": " + response.getBody()).isEqualTo(400);
            assertThat(json(response).path("errors").findValuesAsText("field")).as(response.getBody()).contains(c[1]);
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sales_order").query(Long.class).single()).isEqualTo(before);
    }
}
