package io.crmhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.support.HubIntegrationTest;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/** The API answers alike everywhere: one list envelope, problems naming the parameter, money at the currency's scale, an index. */
class ApiAnswersIT extends HubIntegrationTest {

    static Stream<Arguments> lists() {
        return Stream.of(Arguments.of("sales", "/api/customers"), Arguments.of("sales", "/api/orders"),
                Arguments.of("finance", "/api/payments"), Arguments.of("finance", "/api/invoices"),
                Arguments.of("sales", "/api/contracts"), Arguments.of("sales", "/api/interactions"),
                Arguments.of("finance", "/api/finance/overdue"), Arguments.of("engineer", "/api/ops/failures"),
                Arguments.of("engineer", "/api/ops/audit"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("lists")
    void everyListIsOnePageInTheSameEnvelope(String user, String path) {
        ResponseEntity<String> response = call(user, HttpMethod.GET, path + "?page=0&size=1", null);
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(200);
        JsonNode page = json(response);
        List<String> fields = new ArrayList<>();
        page.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("items", "page", "size", "totalItems");
        assertThat(page.path("items").isArray()).isTrue();
        assertThat(page.path("items").size()).isLessThanOrEqualTo(1);
        assertThat(page.path("size").asInt()).isEqualTo(1);

        ResponseEntity<String> tooLarge = call(user, HttpMethod.GET, path + "?size=201", null);
        assertThat(tooLarge.getStatusCode().value()).isEqualTo(400);
        assertThat(json(tooLarge).path("errors").findValuesAsText("field")).containsExactly("size");
    }

    static Stream<Arguments> badParameters() {
        return Stream.of(
                Arguments.of("finance", "/api/finance/reconciliation?to=2026-01-31", "from: is required"),
                Arguments.of("finance", "/api/finance/reconciliation?from=yesterday&to=2026-01-31", "from: must be a date such as 2026-01-31"),
                Arguments.of("sales", "/api/customers?size=abc", "size: must be a whole number"),
                Arguments.of("sales", "/api/orders?customerId=x", "customerId: must be a whole number"),
                Arguments.of("engineer", "/api/ops/audit?from=monday", "from: must be a date and time such as 2026-01-31T08:00:00Z"),
                Arguments.of("engineer", "/api/ops/failures?olderThan=soon", "olderThan: must be an ISO-8601 duration such as PT1H or P2D"),
                Arguments.of("engineer", "/api/ops/failures?status=LOST", "status: must be one of [PARKED, REPLAYED, RESOLVED, DISCARDED, ALL]"),
                Arguments.of("engineer", "/api/ops/failures/1/replay?dryRun=maybe", "dryRun: must be true or false"),
                Arguments.of("engineer", "/api/ops/messages", "key: is required"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badParameters")
    void aBadParameterIsAProblemNamingIt(String user, String path, String expected) {
        HttpMethod method = path.contains("/replay") ? HttpMethod.POST : HttpMethod.GET;
        ResponseEntity<String> response = call(user, method, path, null);
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(400);
        assertThat(response.getHeaders().getContentType()).hasToString("application/problem+json");
        JsonNode error = json(response).path("errors").get(0);
        assertThat(error).as(response.getBody()).isNotNull();
        assertThat(error.path("field").asText() + ": " + error.path("reason").asText()).isEqualTo(expected);
        assertThat(response.getBody()).doesNotContain("java.", "Failed to convert");
    }

    @Test
    void theRootIsAPublicIndex() {
        ResponseEntity<String> response = call(null, HttpMethod.GET, "/", null);
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode index = json(response);
        assertThat(index.path("name").asText()).isEqualTo("CRM Hub");
        assertThat(index.path("version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(index.path("links").path("openApi").asText()).isEqualTo("/v3/api-docs");
        assertThat(index.path("links").path("swaggerUi").asText()).isEqualTo("/swagger-ui.html");
        assertThat(index.path("links").path("health").asText()).isEqualTo("/actuator/health");
        assertThat(index.path("links").path("customers").asText()).isEqualTo("/api/customers");
    }

    @Test
    void amountsHaveTheirCurrencysScale() {
        long customer = createCustomer("Scale KK " + System.nanoTime(), uniquePhone(), "CN");
        ResponseEntity<String> yen = call("sales", HttpMethod.POST, "/api/orders", """
                {"customerId":%d,"currency":"JPY","lines":[{"sku":"T","quantity":2,"unit":"EA","unitPrice":"880"}]}""".formatted(customer));
        assertThat(yen.getStatusCode().value()).as(yen.getBody()).isEqualTo(201);
        assertThat(yen.getBody()).contains("\"totalAmount\":1760,", "\"paidAmount\":0,", "\"unitPrice\":880,", "\"lineAmount\":1760,", "\"taxAmount\":202,", "\"grossAmount\":1760}");
        ResponseEntity<String> yuan = call("sales", HttpMethod.POST, "/api/orders", """
                {"customerId":%d,"currency":"CNY","lines":[{"sku":"T","quantity":1,"unit":"EA","unitPrice":"99.4"},
                 {"sku":"U","quantity":1,"unit":"EA","unitPrice":"0.1234"}]}""".formatted(customer));
        assertThat(yuan.getBody()).contains("\"unitPrice\":99.40,", "\"unitPrice\":0.1234,", "\"totalAmount\":99.52,");
        long orderId = json(yuan).path("id").asLong();

        Timestamp now = Timestamp.from(Instant.now());
        String number = "SCALE-" + System.nanoTime();
        jdbc.sql("""
                INSERT INTO invoice (invoice_number, order_id, customer_id, status, currency, total_amount, paid_amount, issue_date,
                                     due_date, overdue, version, created_at, updated_at)
                VALUES (?, ?, ?, 'OPEN', 'CNY', 198.88, 0, ?, ?, FALSE, 1, ?, ?)""")
                .params(number, orderId, customer, Date.valueOf("2026-01-01"), Date.valueOf("2026-01-31"), now, now).update();
        long invoiceId = jdbc.sql("SELECT id FROM invoice WHERE invoice_number = ?").param(number).query(Long.class).single();
        String invoice = call("finance", HttpMethod.GET, "/api/invoices/" + invoiceId, null).getBody();
        assertThat(invoice).contains("\"totalAmount\":198.88,", "\"paidAmount\":0.00,");

        jdbc.sql("""
                INSERT INTO payment (order_id, payment_reference, provider, status, currency, amount, refunded_amount, version, created_at, updated_at)
                VALUES (?, ?, 'stripe', 'SUCCEEDED', 'JPY', 1760, 0, 1, ?, ?)""")
                .params(json(yen).path("id").asLong(), number + "-P1", now, now).update();
        String payments = call("finance", HttpMethod.GET, "/api/payments?orderId=" + json(yen).path("id").asLong(), null).getBody();
        assertThat(payments).contains("\"amount\":1760,", "\"refundedAmount\":0,");
    }
}
