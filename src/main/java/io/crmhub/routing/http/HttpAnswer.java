package io.crmhub.routing.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** One answer of a provider, as its connector's {@link ProviderErrors} and result reader see it. */
public final class HttpAnswer {
    private static final int EXCERPT = 200;

    private final String connector;
    private final String what;
    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;
    private final ObjectMapper json;

    HttpAnswer(String connector, String what, int status, HttpHeaders headers, byte[] body, ObjectMapper json) {
        this.connector = connector;
        this.what = what;
        this.status = status;
        this.headers = headers;
        this.body = body == null ? new byte[0] : body;
        this.json = json;
    }

    public int status() {
        return status;
    }

    /** The request, as the connector named it for messages ({@code POST /v1/refunds}, {@code Save BD_Customer}). */
    public String what() {
        return what;
    }

    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    public List<String> headers(String name) {
        return headers.allValues(name);
    }

    public byte[] body() {
        return body.clone();
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean isEmpty() {
        return body.length == 0;
    }

    /** The body as JSON ({@link MissingNode} when empty); a body that is not JSON is {@link HttpOutcomes#undecodable}. */
    public JsonNode json() {
        if (body.length == 0) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = json.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException e) {
            throw HttpOutcomes.undecodable(connector, what, status, "JSON", e);
        }
    }

    /** The body as JSON, or null when it is empty or not JSON: for error envelopes, which may be anything. */
    public JsonNode jsonOrNull() {
        try {
            return body.length == 0 ? null : json.readTree(body);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The start of the body as text, for a reason when no envelope says more. */
    public String excerpt() {
        String text = text().strip();
        return text.length() > EXCERPT ? text.substring(0, EXCERPT) : text;
    }
}
