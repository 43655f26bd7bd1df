package io.crmhub.sandbox;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.Map;

/** A running WeCom group robot sandbox. */
public record WecomRobotSandboxServer(WireMockServer server, WecomRobotSandbox robot) implements AutoCloseable {

    public static WecomRobotSandboxServer start(int port) {
        WecomRobotSandbox robot = new WecomRobotSandbox();
        WireMockServer server = ProviderSandboxes.serve(options().bindAddress("127.0.0.1").port(port).extensions(robot)
                .containerThreads(10).jettyAcceptors(1), WecomRobotSandbox.NAME, "/(cgi-bin|sandbox)/.*");
        return new WecomRobotSandboxServer(server, robot);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The robot's webhook, with its key: what the hub is configured with. */
    public Map<String, Object> hubProperties() {
        return Map.of("crmhub.connectors.notify-wecom.webhook-url", baseUrl() + "/cgi-bin/webhook/send?key=" + robot.key());
    }

    @Override
    public void close() {
        server.stop();
    }
}
