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

    @Test
    void aPaidOrderKeepsItsLinesAndCurrencyButItsNoteChangesAndItCanBeCancelled() {
        SyncedOrder order = confirmedOrderInErp("Paid Order Co"); // 2 x 88.00
        long customer = jdbc.sql("SELECT customer_id FROM sales_order WHERE id = ?").param(order.id()).query(Long.class).single();
        awaitPayment(paymentNotified(order.id(), "176.00"));
        long versionBefore = json(call("sales", HttpMethod.GET, "/api/orders/" + order.id(), null)).path("version").asLong();
        String body = """
                {"customerId":%d,"currency":"%s","status":"%s","note":"%s",
                 "lines":[{"sku":"TEA-01","description":"Tea set","quantity":%s,"unit":"EA","unitPrice":"88.00"}]}""";

        ResponseEntity<String> fiveTimes = call("sales", HttpMethod.PUT, "/api/orders/" + order.id(),
                body.formatted(customer, "CNY", "CONFIRMED", "more", "5"));
        assertThat(fiveTimes.getStatusCode().value()).as(fiveTimes.getBody()).isEqualTo(409);
        assertThat(fiveTimes.getHeaders().getContentType()).hasToString("application/problem+json");
        assertThat(json(fiveTimes).path("errors").get(0).path("field").asText()).isEqualTo("lines");
        assertThat(json(fiveTimes).path("detail").asText()).contains("has payments", "cancel it or place a follow-up order");
        ResponseEntity<String> inDollars = call("sales", HttpMethod.PUT, "/api/orders/" + order.id(),
                body.formatted(customer, "USD", "CONFIRMED", "more", "2"));
        assertThat(inDollars.getStatusCode().value()).as(inDollars.getBody()).isEqualTo(409);
        assertThat(json(inDollars).path("errors").get(0).path("field").asText()).isEqualTo("currency");
        JsonNode unchanged = json(call("sales", HttpMethod.GET, "/api/orders/" + order.id(), null));
        assertThat(unchanged.path("totalAmount").asText()).isEqualTo("176.00");
        assertThat(unchanged.path("version").asLong()).isEqualTo(versionBefore);

        // the same lines spelled differently (2.0 x 88) are no change; the note is not money
        ResponseEntity<String> noted = call("sales", HttpMethod.PUT, "/api/orders/" + order.id(),
                body.formatted(customer, "CNY", "CONFIRMED", "gift wrap", "2.0").replace("\"88.00\"", "88"));
        assertThat(noted.getStatusCode().value()).as(noted.getBody()).isEqualTo(200);
        assertThat(json(noted).path("note").asText()).isEqualTo("gift wrap");
        ResponseEntity<String> cancelled = call("sales", HttpMethod.PUT, "/api/orders/" + order.id(),
                body.formatted(customer, "CNY", "CANCELLED", "gift wrap", "2"));
        assertThat(cancelled.getStatusCode().value()).as(cancelled.getBody()).isEqualTo(200);
        assertThat(json(cancelled).path("status").asText()).isEqualTo("CANCELLED");
        assertThat(json(cancelled).path("totalAmount").asText()).isEqualTo("176.00");
    }

    @Test
    void anInvoicedOrderKeepsItsLinesToo() {
        long customer = createCustomer("Invoiced Co", uniquePhone(), "CN");
        long id = json(call("sales", HttpMethod.POST, "/api/orders", order(customer, "CONFIRMED", "0.10"))).path("id").asLong();
        jdbc.sql("""
                INSERT INTO invoice (invoice_number, order_id, customer_id, status, currency, total_amount, paid_amount, issue_date,
                                     due_date, overdue, version, created_at, updated_at)
                VALUES (?, ?, ?, 'ISSUED', 'CNY', 50.20, 0, CURRENT_DATE, CURRENT_DATE, FALSE, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""")
                .params("INV-T-" + id, id, customer).update();
        ResponseEntity<String> cheaper = call("sales", HttpMethod.PUT, "/api/orders/" + id, order(customer, "CONFIRMED", "0.05"));
        assertThat(cheaper.getStatusCode().value()).as(cheaper.getBody()).isEqualTo(409);
        assertThat(json(cheaper).path("detail").asText()).contains("has invoices");
        assertThat(json(call("sales", HttpMethod.GET, "/api/orders/" + id, null)).path("totalAmount").asText()).isEqualTo("50.20");
    }
}
