package io.crmhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.support.HubIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The answers made before a controller runs — Spring Security's firewall, Tomcat's own refusals, the container's
 * error page — are problem+json naming the fault like every other, never Tomcat's HTML page or Boot's JSON error.
 */
class ErrorAnswersIT extends HubIntegrationTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @ParameterizedTest
    @ValueSource(strings = {"/api//customers", "/api/customers;x=1", "/api/customers/%2e%2e", "/api/customers/1%3Bx",
            "/api/customers/%2F", "/api/customers/%5C1", "/api/customers/%00"})
    void aPathSpellingRefusedBeforeTheApiIsAProblemNamingThePath(String path) throws Exception {
        HttpResponse<String> answer = get(path, "sales");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertProblem(answer);
        assertThat(json(answer).path("errors").get(0).path("field").asText()).as(answer.body()).isEqualTo("path");
    }

    @Test
    void anOverLongRequestLineOrHeaderIsAProblemNotTomcatsHtmlPage() throws Exception {
        HttpResponse<String> line = get("/api/customers?name=" + "a".repeat(20_000), "sales");
        assertThat(line.statusCode()).isEqualTo(400);
        assertProblem(line);
        assertThat(json(line).path("errors").get(0).path("field").asText()).isEqualTo("request");

        HttpResponse<String> header = CLIENT.send(request("/api/customers", "sales").header("X-Padding", "b".repeat(20_000)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(header.statusCode()).isEqualTo(400);
        assertProblem(header);
    }

    @Test
    void theErrorPageAskedForDirectlyIsA404Problem() throws Exception {
        HttpResponse<String> answer = get("/error", null);
        assertThat(answer.statusCode()).isEqualTo(404);
        assertProblem(answer);
        assertThat(answer.body()).doesNotContain("timestamp", "999");
    }

    @Test
    void actuatorInfoNeedsAnEngineerWhileHealthStaysPublic() throws Exception {
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = get("/actuator/info", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertProblem(anonymous);
        assertThat(get("/actuator/info", "sales").statusCode()).isEqualTo(403);
        assertThat(get("/actuator/info", "finance").statusCode()).isEqualTo(403);
        assertThat(get("/actuator/info", "engineer").statusCode()).isEqualTo(200);
    }

    /** The webhooks' 405 (with Allow, problem+json) is pinned where a provider is configured: WebhookIngressIT, StripePaymentIT. */
    @Test
    void anUnsupportedMethodOnTheApiIs405WithAllow() throws Exception {
        HttpResponse<String> api = CLIENT.send(request("/api/payments/1/refunds", "finance")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(405);
        assertThat(api.headers().firstValue("Allow")).hasValue("POST");
        assertProblem(api);
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        return CLIENT.send(request(path, user).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String user) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json");
        if (user != null) {
            builder.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes()));
        }
        return builder;
    }

    private static void assertProblem(HttpResponse<String> answer) {
        assertThat(answer.headers().firstValue("Content-Type")).as(answer.body()).hasValue("application/problem+json");
        assertThat(answer.body()).doesNotContain("java.", "io.crmhub", "Exception", "<html");
        JsonNode body = json(answer);
        assertThat(body.path("status").asInt()).isEqualTo(answer.statusCode());
    }

    private static JsonNode json(HttpResponse<String> answer) {
        try {
            return JSON.readTree(answer.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + answer.body(), e);
        }
    }
}
