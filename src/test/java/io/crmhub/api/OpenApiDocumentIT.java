package io.crmhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.TestDatabases;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.UUID;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.info.BuildProperties;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The published OpenAPI description is the hub's own: every operation summarised and exemplified, Basic auth declared.
 * The payment connectors are configured (keys generated here), since the webhooks it describes are those of the
 * connectors present.
 */
class OpenApiDocumentIT extends HubIntegrationTest {
    @Autowired
    BuildProperties build;

    @DynamicPropertySource
    static void paymentConnectors(DynamicPropertyRegistry registry) throws Exception {
        TestDatabases.own(registry, "openapi");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Base64.Encoder base64 = Base64.getEncoder();
        String nowhere = "http://127.0.0.1:1";
        String wechat = "crmhub.connectors.payment-wechatpay.";
        registry.add(wechat + "merchant-id", () -> "1900000001");
        registry.add(wechat + "api-v3-key", () -> UUID.randomUUID().toString().replace("-", ""));
        registry.add(wechat + "platform-public-keys[0].serial", () -> "PUB_KEY_ID_0114232134912410000000000000");
        String platformKey = base64.encodeToString(rsa.generateKeyPair().getPublic().getEncoded());
        registry.add(wechat + "platform-public-keys[0].key", () -> platformKey);
        registry.add(wechat + "base-url", () -> nowhere);
        String alipay = "crmhub.connectors.payment-alipay.";
        String appKey = base64.encodeToString(rsa.generateKeyPair().getPrivate().getEncoded());
        String alipayKey = base64.encodeToString(rsa.generateKeyPair().getPublic().getEncoded());
        registry.add(alipay + "app-id", () -> "2021000000000000");
        registry.add(alipay + "app-private-key", () -> appKey);
        registry.add(alipay + "alipay-public-key", () -> alipayKey);
        registry.add(alipay + "gateway-url", () -> nowhere);
        String stripe = "crmhub.connectors.payment-stripe.";
        registry.add(stripe + "secret-key", () -> "sk_test_" + UUID.randomUUID().toString().replace("-", ""));
        registry.add(stripe + "webhook-secrets[0]", () -> "whsec_" + UUID.randomUUID().toString().replace("-", ""));
        registry.add(stripe + "base-url", () -> nowhere);
    }

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
        assertThat(paths.path("/webhooks/payments/alipay").path("post").path("responses").path("200").findValue("example").asText())
                .as("Alipay's exact ack").isEqualTo("success");
        assertThat(paths.path("/webhooks/payments/wechatpay").path("get").isMissingNode()).as("no handshake, no GET").isTrue();
        JsonNode refused = paths.path("/webhooks/payments/stripe").path("post").path("responses").path("401").path("content")
                .path("application/json");
        assertThat(refused.path("schema").path("$ref").asText()).isEqualTo("#/components/schemas/WebhookFailure");
        assertThat(refused.path("example").path("code").asText()).isEqualTo("FAIL");
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
