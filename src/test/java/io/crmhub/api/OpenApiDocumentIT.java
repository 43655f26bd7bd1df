package io.crmhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.support.HubIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.info.BuildProperties;
import org.springframework.http.HttpMethod;

/** The published OpenAPI description is the hub's own: every operation summarised and exemplified, Basic auth declared. */
class OpenApiDocumentIT extends HubIntegrationTest {
    @Autowired
    BuildProperties build;

    private JsonNode docs() {
        return json(call(null, HttpMethod.GET, "/v3/api-docs", null));
    }

    @Test
    void itCarriesTheHubsTitleVersionAndBasicAuthOnTheApi() {
        JsonNode docs = docs();
        assertThat(docs.path("info").path("title").asText()).isEqualTo("CRM Hub").isNotEqualTo("OpenAPI definition");
        assertThat(docs.path("info").path("version").asText()).isEqualTo(build.getVersion()).isNotEqualTo("v0");
        JsonNode schemes = docs.path("components").path("securitySchemes");
        assertThat(schemes.size()).isEqualTo(1);
        JsonNode basic = schemes.elements().next();
        assertThat(basic.path("type").asText()).isEqualTo("http");
        assertThat(basic.path("scheme").asText()).isEqualTo("basic");
        String name = schemes.fieldNames().next();
        List<String> unsecured = new ArrayList<>();
        operations(docs).forEach((key, op) -> {
            boolean secured = op.path("security").findValues(name).size() == 1;
            if (key.contains(" /api/") != secured) {
                unsecured.add(key);
            }
        });
        assertThat(unsecured).as("operations under /api/** need Basic auth, the others none").isEmpty();
    }

    @Test
    void everyOperationHasASummaryAndAnExample() {
        Map<String, JsonNode> operations = operations(docs());
        assertThat(operations).containsKeys("GET /api/customers", "POST /api/orders/{id}/payments", "GET /",
                "POST /webhooks/payments/wechatpay", "POST /webhooks/payments/alipay", "POST /webhooks/payments/stripe");
        List<String> missing = new ArrayList<>();
        operations.forEach((key, op) -> {
            if (op.path("summary").asText().isBlank()) {
                missing.add(key + ": no summary");
            }
            boolean example = !op.path("requestBody").findValues("example").isEmpty()
                    || !op.path("requestBody").findValues("examples").isEmpty()
                    || !op.path("responses").findValues("example").isEmpty()
                    || !op.path("responses").findValues("examples").isEmpty();
            if (!example) {
                missing.add(key + ": no example");
            }
        });
        assertThat(missing).isEmpty();
    }

    @Test
    void paymentCreationDocumentsTheQrCodeAndStripesClientSecret() {
        JsonNode docs = docs();
        JsonNode created = docs.path("components").path("schemas").path("CreatedPayment").path("properties");
        assertThat(created.path("qrCodeUrl").path("description").asText()).contains("WeChat Pay", "Alipay");
        assertThat(created.path("clientSecret").path("description").asText()).contains("Stripe");
        JsonNode examples = docs.path("paths").path("/api/orders/{id}/payments").path("post").path("responses").path("201")
                .findValue("examples");
        assertThat(examples.path("wechatpay").path("value").path("qrCodeUrl").asText()).startsWith("weixin://");
        assertThat(examples.path("alipay").path("value").path("qrCodeUrl").asText()).startsWith("https://qr.alipay.com/");
        assertThat(examples.path("stripe").path("value").path("clientSecret").asText()).contains("_secret_");
    }

    @Test
    void webhooksNameTheirSignatures() {
        JsonNode paths = docs().path("paths");
        assertThat(paths.path("/webhooks/payments/wechatpay").path("post").path("parameters").findValuesAsText("name"))
                .containsExactlyInAnyOrder("Wechatpay-Signature", "Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial");
        assertThat(paths.path("/webhooks/payments/stripe").path("post").path("parameters").findValuesAsText("name"))
                .containsExactly("Stripe-Signature");
        JsonNode form = paths.path("/webhooks/payments/alipay").path("post").path("requestBody").path("content")
                .path("application/x-www-form-urlencoded").path("schema").path("properties");
        assertThat(form.has("sign")).isTrue();
        assertThat(form.has("sign_type")).isTrue();
    }

    private static Map<String, JsonNode> operations(JsonNode docs) {
        Map<String, JsonNode> operations = new java.util.TreeMap<>();
        docs.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            if (List.of("get", "put", "post", "delete", "patch").contains(method.getKey())) {
                operations.put(method.getKey().toUpperCase() + " " + path.getKey(), method.getValue());
            }
        }));
        return operations;
    }
}
