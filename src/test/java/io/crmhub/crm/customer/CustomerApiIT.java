package io.crmhub.crm.customer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.support.HubIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

class CustomerApiIT extends HubIntegrationTest {

    @Test
    void createsReadsUpdatesAndListsACustomerWithNormalisedContactsAndMaskedPhone() {
        String national = uniquePhone().substring(3); // 11-digit mainland mobile
        String spaced = national.substring(0, 3) + " " + national.substring(3, 7) + " " + national.substring(7);
        String body = """
                {"type":"PERSON","name":"Li Lei","phone":"%s","email":"Li.Lei@Example.COM","idNumber":"11010519491231002X",
                 "address":{"countryCode":"CN","city":"Beijing"}}""".formatted(spaced);
        ResponseEntity<String> created = call("sales", HttpMethod.POST, "/api/customers", body);
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        JsonNode customer = json(created);
        long id = customer.path("id").asLong();
        assertThat(created.getHeaders().getLocation()).hasToString("/api/customers/" + id);
        assertThat(customer.path("email").asText()).as("masked like the phone").isEqualTo("l***@example.com");
        assertThat(customer.path("phone").asText()).isEqualTo("+86" + national.substring(0, 3) + "****" + national.substring(7));
        assertThat(customer.path("idNumber").asText()).isEqualTo("110****002X");
        String stored = jdbc.sql("SELECT phone_sealed FROM customer WHERE id = ?").param(id).query(String.class).single();
        assertThat(stored).as("stored sealed, never in clear").startsWith("pd1:").doesNotContain(national.substring(3));
        for (String lookup : List.of("/api/customers?phone=86" + national, "/api/customers?phone=" + national,
                "/api/customers?email=LI.LEI@example.com")) {
            JsonNode found = json(call("finance", HttpMethod.GET, lookup, null));
            assertThat(found.path("items")).as(lookup).hasSize(1);
            assertThat(found.path("items").get(0).path("id").asLong()).as(lookup).isEqualTo(id);
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM outbox WHERE aggregate_type = 'customer' AND aggregate_id = ?")
                .param(String.valueOf(id)).query(Long.class).single()).isEqualTo(1);

        JsonNode read = json(call("finance", HttpMethod.GET, "/api/customers/" + id, null));
        assertThat(read.path("name").asText()).isEqualTo("Li Lei");
        assertThat(read.has("externalReferences")).isTrue();

        ResponseEntity<String> updated = call("sales", HttpMethod.PUT, "/api/customers/" + id, body.replace("Li Lei", "Li Lei Jr"));
        assertThat(updated.getStatusCode().value()).isEqualTo(200);
        assertThat(json(updated).path("version").asLong()).isEqualTo(2);

        ResponseEntity<String> unchanged = call("sales", HttpMethod.PUT, "/api/customers/" + id, body.replace("Li Lei", "Li Lei Jr"));
        assertThat(json(unchanged).path("version").asLong()).as("an identical update is not a new version").isEqualTo(2);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM outbox WHERE aggregate_type = 'customer' AND aggregate_id = ?")
                .param(String.valueOf(id)).query(Long.class).single()).isEqualTo(2);

        JsonNode page = json(call("sales", HttpMethod.GET, "/api/customers?page=0&size=5", null));
        assertThat(page.path("size").asInt()).isEqualTo(5);
        assertThat(page.path("items").size()).isBetween(1, 5);
        assertThat(page.path("totalItems").asLong()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theSameMobileWrittenThreeWaysIsOneCustomer() {
        String e164 = uniquePhone();
        String national = e164.substring(3);
        long id = createCustomer("Three Ways Ltd", national.substring(0, 3) + " " + national.substring(3, 7) + " " + national.substring(7), "CN");
        for (String variant : List.of("+86 " + national, "86" + national, national)) {
            ResponseEntity<String> duplicate = call("sales", HttpMethod.POST, "/api/customers", customerJson("Other", variant, "CN"));
            assertThat(duplicate.getStatusCode().value()).as(variant).isEqualTo(409);
            assertThat(duplicate.getHeaders().getContentType()).hasToString("application/problem+json");
            assertThat(json(duplicate).path("existingId").asLong()).isEqualTo(id);
            assertThat(json(duplicate).path("errors").get(0).path("field").asText()).isEqualTo("phone");
        }
    }

    @Test
    void aSecondCustomerWithTheSameEmailInAnotherCaseIsRefused() {
        String email = "dup-" + System.nanoTime() + "@example.com";
        ResponseEntity<String> first = call("sales", HttpMethod.POST, "/api/customers",
                "{\"type\":\"PERSON\",\"name\":\"A\",\"email\":\"" + email + "\",\"address\":{\"countryCode\":\"CN\"}}");
        assertThat(first.getStatusCode().value()).isEqualTo(201);
        ResponseEntity<String> second = call("sales", HttpMethod.POST, "/api/customers",
                "{\"type\":\"PERSON\",\"name\":\"B\",\"email\":\"" + email.toUpperCase() + "\",\"address\":{\"countryCode\":\"CN\"}}");
        assertThat(second.getStatusCode().value()).isEqualTo(409);
        assertThat(json(second).path("existingId").asLong()).isEqualTo(json(first).path("id").asLong());
    }

    static List<Arguments> badBodies() {
        String ok = "\"type\":\"ORGANIZATION\",\"address\":{\"countryCode\":\"CN\"}";
        return List.of(
                Arguments.of("missing name", "{" + ok + ",\"phone\":\"13800000000\"}", 400, "name"),
                Arguments.of("blank name", "{" + ok + ",\"name\":\"  \",\"phone\":\"13800000000\"}", 400, "name"),
                Arguments.of("malformed phone", "{" + ok + ",\"name\":\"X\",\"phone\":\"12345\"}", 400, "phone"),
                Arguments.of("letters in phone", "{" + ok + ",\"name\":\"X\",\"phone\":\"call me\"}", 400, "phone"),
                Arguments.of("no contact at all", "{" + ok + ",\"name\":\"X\"}", 400, "phone"),
                Arguments.of("bad e-mail", "{" + ok + ",\"name\":\"X\",\"email\":\"not-an-email\"}", 400, "email"),
                Arguments.of("name is a number object", "{" + ok + ",\"name\":{\"a\":1},\"phone\":\"13800000000\"}", 400, "name"),
                Arguments.of("unknown type", "{\"type\":\"ALIEN\",\"name\":\"X\",\"phone\":\"13800000000\",\"address\":{\"countryCode\":\"CN\"}}", 400, "type"),
                Arguments.of("unknown field", "{" + ok + ",\"name\":\"X\",\"phone\":\"13800000000\",\"vip\":true}", 400, "vip"),
                Arguments.of("address is a string", "{\"type\":\"PERSON\",\"name\":\"X\",\"phone\":\"13800000000\",\"address\":\"Shanghai\"}", 400, "address"),
                Arguments.of("lower-case country", "{\"type\":\"PERSON\",\"name\":\"X\",\"phone\":\"13800000000\",\"address\":{\"countryCode\":\"cn\"}}", 400, "address.countryCode"),
                Arguments.of("missing address", "{\"type\":\"PERSON\",\"name\":\"X\",\"phone\":\"13800000000\"}", 400, "address"),
                Arguments.of("not JSON", "{\"type\": PERSON", 400, "body"),
                Arguments.of("empty body", "", 400, "body"),
                Arguments.of("JSON array", "[1,2,3]", 400, null),
                Arguments.of("huge body", "{" + ok + ",\"name\":\"" + "x".repeat(400_000) + "\",\"phone\":\"13800000000\"}", 413, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badInputGetsAProblemNamingTheFieldAndWritesNothing(String label, String body, int status, String field) {
        long customers = count("customer");
        long events = count("outbox");
        ResponseEntity<String> response = call("sales", HttpMethod.POST, "/api/customers", body);
        assertThat(response.getStatusCode().value()).as(label + ": " + response.getBody()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).hasToString("application/problem+json");
        if (field != null) {
            assertThat(json(response).path("errors").findValuesAsText("field")).as(response.getBody()).contains(field);
        }
        assertThat(count("customer")).isEqualTo(customers);
        assertThat(count("outbox")).isEqualTo(events);
    }

    @Test
    void wrongTypesInQueryParametersAreProblemsToo() {
        ResponseEntity<String> size = call("sales", HttpMethod.GET, "/api/customers?size=100000", null);
        assertThat(size.getStatusCode().value()).isEqualTo(400);
        ResponseEntity<String> id = call("sales", HttpMethod.GET, "/api/customers/abc", null);
        assertThat(id.getStatusCode().value()).isEqualTo(400);
        assertThat(json(id).path("errors").get(0).path("field").asText()).isEqualTo("id");
        ResponseEntity<String> missing = call("sales", HttpMethod.GET, "/api/customers/999999999", null);
        assertThat(missing.getStatusCode().value()).isEqualTo(404);
        assertThat(missing.getHeaders().getContentType()).hasToString("application/problem+json");
    }

    @Test
    void everyApiCallNeedsAuthenticationAndTheRightRole() {
        ResponseEntity<String> anonymous = call(null, HttpMethod.GET, "/api/customers", null);
        assertThat(anonymous.getStatusCode().value()).isEqualTo(401);
        assertThat(anonymous.getHeaders().getContentType()).hasToString("application/problem+json");
        assertThat(call("finance", HttpMethod.POST, "/api/customers", customerJson("F", uniquePhone(), "CN")).getStatusCode().value())
                .as("finance does not edit customers").isEqualTo(403);
        assertThat(call("sales", HttpMethod.POST, "/api/payments", "{}").getStatusCode().value())
                .as("sales may not change finance data").isEqualTo(403);
        assertThat(call("sales", HttpMethod.GET, "/api/ops/failures", null).getStatusCode().value())
                .as("only engineers operate flows").isEqualTo(403);
        assertThat(call("sales", HttpMethod.GET, "/api/payments", null).getStatusCode().value()).isEqualTo(200);
        assertThat(call("engineer", HttpMethod.POST, "/api/customers", customerJson("E", uniquePhone(), "CN")).getStatusCode().value()).isEqualTo(201);
    }

    @Test
    void openApiDocumentIsPublished() {
        ResponseEntity<String> docs = call(null, HttpMethod.GET, "/v3/api-docs", null);
        assertThat(docs.getStatusCode().value()).isEqualTo(200);
        assertThat(json(docs).path("paths").has("/api/customers")).isTrue();
        assertThat(json(docs).path("paths").has("/api/orders/{id}")).isTrue();
    }

    private long count(String table) {
        return switch (table) {
            case "customer" -> jdbc.sql("SELECT COUNT(*) FROM customer").query(Long.class).single();
            case "outbox" -> jdbc.sql("SELECT COUNT(*) FROM outbox").query(Long.class).single();
            default -> throw new IllegalArgumentException(table);
        };
    }
}
