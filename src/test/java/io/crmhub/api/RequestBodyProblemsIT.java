package io.crmhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.support.HubIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/** Every JSON request body of the API reports all its problems in one answer, in plain words. */
class RequestBodyProblemsIT extends HubIntegrationTest {

    @Test
    void aCustomerWithEveryKindOfProblemGetsThemAllInOneAnswer() {
        ResponseEntity<String> response = call("sales", HttpMethod.POST, "/api/customers",
                "{\"type\":\"ALIEN\",\"phone\":\"12345\",\"vip\":true}");
        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(response.getHeaders().getContentType()).hasToString("application/problem+json");
        assertThat(errors(response)).containsExactlyInAnyOrder(
                "type: must be one of [PERSON, ORGANIZATION]",
                "vip: is not a known field",
                "name: must not be blank",
                "address: must not be null",
                "phone: is not a valid phone number (mainland numbers may omit +86)");
    }

    @Test
    void anOrderNamesEachBadLineFieldAndUnknownFieldTogether() {
        ResponseEntity<String> response = call("sales", HttpMethod.POST, "/api/orders", """
                {"customerId":"seven","currency":"cny","colour":"red",
                 "lines":[{"sku":"A","quantity":"two","unit":"EA","unitPrice":1},{"quantity":1,"unitPrice":{"v":1}}]}""");
        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(fields(response)).containsExactlyInAnyOrder("customerId", "currency", "colour", "lines[0].quantity",
                "lines[1].sku", "lines[1].unit", "lines[1].unitPrice");
        assertThat(errors(response)).contains("customerId: must be a whole number", "lines[0].quantity: must be a number",
                "lines[1].unitPrice: must be a number");
    }

    static Stream<Arguments> everyBody() {
        return Stream.of(
                Arguments.of("sales", "/api/orders/1/payments", "{\"provider\":\"\",\"colour\":1}", List.of("provider", "colour")),
                Arguments.of("finance", "/api/payments/1/refunds", "{\"amount\":\"ten\",\"reason\":\"" + "x".repeat(81) + "\",\"x\":1}",
                        List.of("amount", "reason", "x")),
                Arguments.of("engineer", "/api/ops/failures/replay",
                        "{\"ids\":[1,\"x\"],\"filter\":{\"olderThan\":\"soon\",\"flows\":\"a\"},\"dryRun\":\"yes\"}",
                        List.of("ids[1]", "filter.olderThan", "filter.flows", "dryRun", "oneSelection")),
                Arguments.of("engineer", "/api/ops/failures/1/replay", "{\"reason\":7,\"why\":\"x\"}", List.of("why")),
                Arguments.of("engineer", "/api/ops/failures/1/discard", "{\"because\":\"x\"}", List.of("because", "reason")),
                Arguments.of("finance", "/api/finance/reconciliation/resync", "{\"entity\":\"SHIP\",\"id\":\"x\",\"extra\":true}",
                        List.of("entity", "id", "extra")),
                Arguments.of("finance", "/api/finance/reconciliation/resync", "{\"entity\":\"ORDER\"}", List.of("id")));
    }

    @ParameterizedTest(name = "{1} {2}")
    @MethodSource("everyBody")
    void everyJsonBodyOfTheApiReportsAllItsProblems(String user, String path, String body, List<String> expected) {
        ResponseEntity<String> response = call(user, HttpMethod.POST, path, body);
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(400);
        assertThat(fields(response)).as(response.getBody()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aKeyGivenTwiceIsRefusedByName() {
        ResponseEntity<String> discard = call("engineer", HttpMethod.POST, "/api/ops/failures/1/discard",
                "{\"reason\":\"x\",\"reason\":\"x\"}");
        assertThat(discard.getStatusCode().value()).as(discard.getBody()).isEqualTo(400);
        assertThat(errors(discard)).containsExactly("reason: is given more than once");

        ResponseEntity<String> nested = call("sales", HttpMethod.POST, "/api/customers", """
                {"type":"PERSON","name":"Twice","phone":"13800138000","address":{"countryCode":"CN","city":"A","city":"B"}}""");
        assertThat(nested.getStatusCode().value()).isEqualTo(400);
        assertThat(errors(nested)).containsExactly("address.city: is given more than once");
    }

    @Test
    void errorsNameNoJavaType() {
        for (String body : List.of("[1,2,3]", "\"text\"", "{\"customerId\":[1],\"lines\":\"none\"}", "{\"lines\":[1]}", "null")) {
            ResponseEntity<String> response = call("sales", HttpMethod.POST, "/api/orders", body);
            assertThat(response.getStatusCode().value()).as(body).isEqualTo(400);
            assertThat(response.getBody()).as(body).doesNotContain("java.", "io.crmhub", "`", "Cannot deserialize");
            assertThat(fields(response)).as(body).isNotEmpty();
        }
        assertThat(errors(call("sales", HttpMethod.POST, "/api/orders", "[1,2,3]"))).containsExactly("body: must be an object");
        assertThat(errors(call("sales", HttpMethod.POST, "/api/orders", "{\"customerId\":1, oops}")))
                .singleElement().asString().startsWith("body: is not valid JSON (line 1, column");
    }

    private static List<String> fields(ResponseEntity<String> response) {
        return json(response).path("errors").findValuesAsText("field");
    }

    private static List<String> errors(ResponseEntity<String> response) {
        List<String> errors = new ArrayList<>();
        for (JsonNode e : json(response).path("errors")) {
            errors.add(e.path("field").asText() + ": " + e.path("reason").asText());
        }
        return errors;
    }
}
