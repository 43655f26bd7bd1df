package io.crmhub.connector.erp.kingdee;

import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.http.StandaloneHttpClients;
import io.crmhub.sandbox.KingdeeSandbox;
import io.crmhub.sandbox.KingdeeSandboxServer;
import io.crmhub.sandbox.ProviderSandboxes;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebAPI client against the Kingdee sandbox: session handling, array-of-arrays parsing, Kingdee's error envelope.
 * Statuses, I/O failures and Retry-After are the shared client's ({@code ConnectorHttpClientOutcomesTest}).
 */
class KingdeeClientTest {
    private static final String ACCT = "unit-acct";
    private static final String USER = "unit-user";
    private static final String PASSWORD = "unit-password";
    private static KingdeeSandboxServer server;

    @BeforeAll
    static void start() {
        server = KingdeeSandboxServer.start(0, ACCT, USER, PASSWORD);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        server.kingdee().reset();
        server.server().resetRequests();
        ProviderSandboxes.removePlantedStubs(server.server());
    }

    @Test
    void logsInOnceKeepsTheCookieAndLogsInAgainOnceWhenKingdeeLostTheSession() {
        KingdeeClient client = client(PASSWORD);
        int before = server.kingdee().logins();
        client.save("BD_Customer", customer("CRM-C-0000000001", "Session Co"));
        client.query("BD_Customer", List.of("FNumber"), "", "", 0, 10);
        assertThat(server.kingdee().logins() - before).as("one login for both calls").isEqualTo(1);
        server.server().verify(1, postRequestedFor(urlPathEqualTo(KingdeeSandbox.LOGIN_PATH)));
        server.server().verify(1, postRequestedFor(urlPathEqualTo(KingdeeSandbox.QUERY_PATH))
                .withHeader("Cookie", matching(".*kdservice-sessionid=[0-9a-f]{32}.*")));
        server.server().verify(1, postRequestedFor(urlPathEqualTo(KingdeeSandbox.SAVE_PATH))
                .withHeader("Cookie", matching(".*kdservice-sessionid=[0-9a-f]{32}.*")));

        server.kingdee().expireSessions();
        List<Map<String, JsonNode>> rows = client.query("BD_Customer", List.of("FNumber"), "", "", 0, 10);
        assertThat(rows).hasSize(1);
        assertThat(server.kingdee().logins() - before).as("logged in again once").isEqualTo(2);
    }

    @Test
    void aRefusedLoginIsPermanentWithKingdeesMessage() {
        assertThatThrownBy(() -> client("wrong").query("BD_Customer", List.of("FNumber"), "", "", 0, 10))
                .isInstanceOf(PermanentConnectorException.class)
                .hasMessageContaining("LoginResultType 0").hasMessageContaining("用户名或密码错误");
    }

    @Test
    void thePasswordCanComeFromAFile(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("kingdee-password"), PASSWORD + "\n");
        KingdeeClient client = client("file:" + secret);
        assertThat(client.query("BD_Customer", List.of("FNumber"), "", "", 0, 10)).isEmpty();
        assertThat(properties("file:" + secret).toString()).doesNotContain(secret.toString()).contains("password=****");
    }

    @Test
    void queryRowsAreReadByTheOrderOfTheFieldKeys() {
        KingdeeClient client = client(PASSWORD);
        JsonNode saved = client.save("BD_Customer", customer("CRM-C-0000000002", "Rows Co"));
        long id = saved.path("Id").asLong();
        Map<String, JsonNode> a = client.query("BD_Customer", List.of("FNumber", "FCUSTID", "FName"),
                "FNumber=" + KingdeeClient.literal("CRM-C-0000000002"), "", 0, 10).get(0);
        Map<String, JsonNode> b = client.query("BD_Customer", List.of("FName", "FCUSTID", "FNumber"),
                "FNumber='CRM-C-0000000002'", "", 0, 10).get(0);
        assertThat(a.get("FCUSTID").asLong()).isEqualTo(id);
        assertThat(b.get("FCUSTID").asLong()).isEqualTo(id);
        assertThat(a.get("FName").asText()).isEqualTo("Rows Co").isEqualTo(b.get("FName").asText());
        assertThat(client.query("BD_Customer", List.of("FNumber"), "FNumber='CRM-C-0000000003'", "", 0, 10)).isEmpty();
        assertThat(KingdeeClient.literal("O'Brien")).isEqualTo("'O''Brien'");
    }

    @Test
    void isSuccessFalseIsPermanentNamingEveryMessageAndItsField() {
        KingdeeClient client = client(PASSWORD);
        assertThatThrownBy(() -> client.save("BD_Customer", customer("CRM-C-0000000004", "")))
                .isInstanceOf(PermanentConnectorException.class)
                .hasMessageContaining("Save BD_Customer").hasMessageContaining("[FName] 字段“客户名称”是必填项").hasMessageContaining("MsgCode 11");
        // ExecuteBillQuery's error comes inside the array of arrays
        assertThatThrownBy(() -> client.query("BD_Customer", List.of("FNumber"), "FNumber LIKE 'x%'", "", 0, 10))
                .isInstanceOf(PermanentConnectorException.class).hasMessageContaining("ExecuteBillQuery BD_Customer")
                .hasMessageContaining("过滤条件语法错误");
    }

    private KingdeeClient client(String password) {
        return new KingdeeClient(properties(password), new ObjectMapper(), StandaloneHttpClients.create());
    }

    private static KingdeeProperties properties(String password) {
        return new KingdeeProperties(URI.create(server.baseUrl()), ACCT, USER, password, 2052, KingdeeSandbox.ORG, "XSDD01_SYS",
                ZoneId.of("Asia/Shanghai"), Duration.ofSeconds(2), Duration.ofSeconds(5), "SKDLX01_SYS", "SKTKDLX01_SYS", "SFKYT01_SYS",
                null, null);
    }

    private static Map<String, Object> customer(String number, String name) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("FCUSTID", 0);
        model.put("FNumber", number);
        model.put("FName", name);
        model.put("FCreateOrgId", Map.of("FNumber", KingdeeSandbox.ORG));
        return model;
    }
}
