package io.crmhub.connector.notify.wecom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmhub.crm.canonical.NotificationChannel;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.TransientConnectorException;
import io.crmhub.routing.http.ConnectorHttpClient;
import io.crmhub.routing.http.ConnectorHttpClients;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/**
 * A notice as one WeCom group robot message ({@code POST <webhook>}, {@code msgtype markdown}). The robot answers
 * HTTP 200 with {@code errcode} 0 when it took the message; 45009 (more than 20 messages a minute) is a transient
 * refusal, anything else permanent (93000: the webhook URL is not valid). Markdown content is at most 4096 bytes: a long
 * notice keeps its title and as many lines as fit, and says how many it left out.
 */
public class WecomRobotChannel implements NotificationChannel {
    public static final String CONNECTOR = "notify-wecom";
    static final int MAX_BYTES = 4096;
    private final WecomRobotProperties properties;
    private final ObjectMapper json;
    private final ConnectorHttpClient http;

    public WecomRobotChannel(WecomRobotProperties properties, ObjectMapper json, ConnectorHttpClients clients) {
        this.properties = properties;
        this.json = json;
        this.http = clients.create(CONNECTOR, properties, answer -> null);
    }

    @Override
    public String name() {
        return "wecom";
    }

    @Override
    public void send(Notice notice) {
        ObjectNode body = json.createObjectNode().put("msgtype", "markdown");
        body.putObject("markdown").put("content", markdown(notice, properties.mentionAll()));
        HttpRequest.Builder request = HttpRequest.newBuilder(properties.webhook()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        JsonNode answer = http.sendForJson("POST robot message", request);
        int code = answer.path("errcode").asInt(-1);
        if (code == 45009) {
            throw new TransientConnectorException(CONNECTOR, "the WeCom robot refused the message for now (45009: " + answer.path("errmsg").asText()
                    + "); it takes 20 a minute", null);
        }
        if (code != 0) {
            throw new PermanentConnectorException(CONNECTOR, "the WeCom robot refused the message: " + code + " " + answer.path("errmsg").asText());
        }
    }

    /** {@code **title**} and one quoted line per item, cut to the robot's 4096 bytes. */
    static String markdown(Notice notice, boolean mentionAll) {
        StringBuilder out = new StringBuilder("**").append(notice.title()).append("**\n");
        String tail = mentionAll ? "\n<@all>" : "";
        int kept = 0;
        for (String line : notice.lines()) {
            String next = "> " + line.replace("\n", " ") + "\n";
            String more = "> … " + (notice.lines().size() - kept) + " more\n";
            if (bytes(out) + bytes(next) + bytes(more) + bytes(tail) > MAX_BYTES) {
                out.append("> … ").append(notice.lines().size() - kept).append(" more\n");
                return out.append(tail).toString();
            }
            out.append(next);
            kept++;
        }
        return out.append(tail).toString();
    }

    private static int bytes(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
