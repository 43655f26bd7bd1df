package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A WeCom (企业微信) group robot: {@code POST /cgi-bin/webhook/send?key=…} takes {@code text} or {@code markdown}
 * messages as the real robot does — the key must be the robot's ({@code 93000 invalid webhook url} otherwise), content
 * at most 2048 bytes for text and 4096 for markdown ({@code 40058}), at most 20 messages a minute ({@code 45009}) — and
 * answers {@code {"errcode":0,"errmsg":"ok"}}. {@code GET /sandbox/messages} shows the group's messages (the tour).
 */
public class WecomRobotSandbox implements ResponseDefinitionTransformerV2 {
    public static final String NAME = "wecom-robot";
    private final String key = UUID.randomUUID().toString();
    private final ObjectMapper json = new ObjectMapper();
    private final List<ObjectNode> messages = new CopyOnWriteArrayList<>();
    private final List<Long> sentAt = new CopyOnWriteArrayList<>();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    public String key() {
        return key;
    }

    /** The messages the group received, oldest first. */
    public List<ObjectNode> messages() {
        return List.copyOf(messages);
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        String path = URI.create(request.getUrl()).getPath();
        if (path.equals("/sandbox/messages")) {
            ArrayNode all = json.createArrayNode();
            messages.forEach(all::add);
            return answer(200, all.toString());
        }
        if (!path.equals("/cgi-bin/webhook/send") || !request.getMethod().getName().equals("POST")) {
            return answer(404, "{\"errcode\":404,\"errmsg\":\"not found\"}");
        }
        if (!request.queryParameter("key").isPresent() || !key.equals(request.queryParameter("key").firstValue())) {
            return result(93000, "invalid webhook url");
        }
        JsonNode body;
        try {
            body = json.readTree(request.getBodyAsString());
        } catch (Exception e) {
            return result(40001, "invalid json");
        }
        String type = body.path("msgtype").asText();
        String content = body.path(type).path("content").asText("");
        int limit = type.equals("markdown") ? 4096 : type.equals("text") ? 2048 : -1;
        if (limit < 0) {
            return result(40008, "invalid message type");
        }
        if (content.isEmpty() || content.getBytes(StandardCharsets.UTF_8).length > limit) {
            return result(40058, "content exceed max length " + limit);
        }
        synchronized (this) {
            long now = System.currentTimeMillis();
            sentAt.removeIf(t -> t < now - 60_000);
            if (sentAt.size() >= 20) {
                return result(45009, "api freq out of limit");
            }
            sentAt.add(now);
        }
        messages.add(json.createObjectNode().put("receivedAt", Instant.now().toString()).put("msgtype", type).put("content", content));
        return result(0, "ok");
    }

    private ResponseDefinition result(int code, String message) {
        return answer(200, json.createObjectNode().put("errcode", code).put("errmsg", message).toString());
    }

    private static ResponseDefinition answer(int status, String body) {
        return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody(body).build();
    }
}
