package io.crmhub.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The local run with {@code crmhub.erp.provider=kingdee}: the post-processor starts a Kingdee sandbox and points the connector at it. */
class KingdeeSandboxStartupTest {

    @Test
    void anUnconfiguredKingdeeGetsASandboxThatSpeaksTheLogin() throws Exception {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                "crmhub.sandbox.enabled", "true", "crmhub.erp.provider", "kingdee", "crmhub.sandbox.kingdee-port", "0",
                // the other providers are "configured", so only Kingdee's sandbox starts
                "crmhub.connectors.erp-sap.base-url", "http://127.0.0.1:9", "crmhub.connectors.payment-wechatpay.merchant-id", "x",
                "crmhub.connectors.payment-alipay.app-id", "x", "crmhub.connectors.payment-stripe.secret-key", "x")));
        SpringApplication application = new SpringApplication();
        new SandboxEnvironmentPostProcessor().postProcessEnvironment(env, application);
        try {
            String base = env.getProperty("crmhub.connectors.erp-kingdee.base-url");
            assertThat(base).startsWith("http://127.0.0.1:");
            String body = new ObjectMapper().writeValueAsString(Map.of("parameters", java.util.List.of(
                    env.getProperty("crmhub.connectors.erp-kingdee.acct-id"), env.getProperty("crmhub.connectors.erp-kingdee.username"),
                    env.getProperty("crmhub.connectors.erp-kingdee.password"), 2052)));
            HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + KingdeeSandbox.LOGIN_PATH))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode answer = new ObjectMapper().readTree(login.body());
            assertThat(answer.path("LoginResultType").asInt()).isEqualTo(1);
            assertThat(login.headers().allValues("set-cookie")).anyMatch(c -> c.startsWith("kdservice-sessionid="));
            assertThat(env.getProperty("crmhub.connectors.erp-sap.base-url")).isEqualTo("http://127.0.0.1:9");
        } finally {
            SandboxCalls.stopSandboxes(application);
        }
    }
}
