package io.crmhub.connector.erp.kingdee;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.ConnectorException;
import io.crmhub.routing.ConnectorRateLimiter;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.TransientConnectorException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Client for the Kingdee K/3 Cloud WebAPI ({@code /K3Cloud/Kingdee.BOS.WebApi.ServicesStub.*.common.kdsvc}), speaking
 * the protocol as the server does:
 * <ul>
 *   <li>Session login: {@code AuthService.ValidateUser} with {@code {"parameters":[acctId,user,pwd,lcid]}};
 *       {@code LoginResultType == 1} means logged in, and the {@code kdservice-sessionid} cookie (with the server's
 *       other session cookies) goes on every later call. One session per client, shared by all threads.</li>
 *   <li>Business errors come back as HTTP 200 with {@code Result.ResponseStatus.IsSuccess=false} and {@code Errors[]}
 *       (for ExecuteBillQuery wrapped in the array of arrays). {@code MsgCode 1} means the session is gone (expired,
 *       server recycled): log in again and repeat the call once.</li>
 *   <li>ExecuteBillQuery answers an array of arrays, one inner array per row in the order of {@code FieldKeys}.</li>
 * </ul>
 * Failures are classified for the shared error handling: I/O, 408, 429 and 5xx are transient (with Retry-After);
 * IsSuccess=false, a refused login and other 4xx are permanent, naming Kingdee's messages and fields.
 */
public class KingdeeClient {
    static final String CONNECTOR = "erp-kingdee";
    static final String STUB = "/K3Cloud/Kingdee.BOS.WebApi.ServicesStub.";
    static final String LOGIN = "AuthService.ValidateUser";
    static final String SESSION_COOKIE = "kdservice-sessionid";
    /** ResponseStatus.MsgCode for "context lost": the session expired, log in again. */
    static final int MSG_SESSION_LOST = 1;

    private final KingdeeProperties properties;
    private final ObjectMapper json;
    private final ConnectorRateLimiter rateLimiter;
    private final HttpClient http;
    private volatile String cookies;

    public KingdeeClient(KingdeeProperties properties, ObjectMapper json, ConnectorRateLimiter rateLimiter) {
        this.properties = properties;
        this.json = json;
        this.rateLimiter = rateLimiter;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(properties.connectTimeout()).build();
    }

    /** {@code DynamicFormService.Save}: returns {@code Result} (with {@code Id} and {@code Number} of the saved bill). */
    public JsonNode save(String formId, Object model) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("NeedUpDateFields", List.of());
        data.put("IsDeleteEntry", true);
        data.put("Model", model);
        return call("Save", Map.of("formid", formId, "data", data), formId).path("Result");
    }

    /** {@code DynamicFormService.View} by number: the bill as Kingdee shows it ({@code Result.Result}). */
    public JsonNode view(String formId, String number) {
        return call("View", Map.of("formid", formId, "data", Map.of("Number", number)), formId).path("Result").path("Result");
    }

    /** {@code DynamicFormService.ExcuteOperation} (Kingdee's spelling), e.g. {@code BillClose} on sales orders. */
    public JsonNode operation(String formId, String opNumber, Map<String, Object> data) {
        return call("ExcuteOperation", Map.of("formid", formId, "opNumber", opNumber, "data", data), formId).path("Result");
    }

    /**
     * {@code DynamicFormService.ExecuteBillQuery}: the rows as maps keyed by the field keys asked for.
     *
     * @param filter Kingdee's filter syntax ({@code FNumber='CRM-C-1' and FModifyDate>='2025-01-01 00:00:00'});
     *               values must go through {@link #literal}
     */
    public List<Map<String, JsonNode>> query(String formId, List<String> fieldKeys, String filter, String orderString,
                                             int startRow, int limit) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("FormId", formId);
        data.put("FieldKeys", String.join(",", fieldKeys));
        data.put("FilterString", filter == null ? "" : filter);
        data.put("OrderString", orderString == null ? "" : orderString);
        data.put("TopRowCount", 0);
        data.put("StartRow", startRow);
        data.put("Limit", limit);
        JsonNode rows = call("ExecuteBillQuery", Map.of("data", data), formId);
        if (!rows.isArray()) {
            throw new TransientConnectorException(CONNECTOR, "ExecuteBillQuery on " + formId + " answered no array", null);
        }
        List<Map<String, JsonNode>> result = new ArrayList<>();
        for (JsonNode row : rows) {
            if (!row.isArray() || row.size() != fieldKeys.size()) {
                throw new PermanentConnectorException(CONNECTOR, "ExecuteBillQuery on " + formId + " answered a row of "
                        + row.size() + " values for " + fieldKeys.size() + " field keys");
            }
            Map<String, JsonNode> values = new LinkedHashMap<>();
            for (int i = 0; i < fieldKeys.size(); i++) {
                values.put(fieldKeys.get(i), row.get(i));
            }
            result.add(values);
        }
        return result;
    }

    /** A quoted string literal for a FilterString. */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * Reachability for health: a one-row query on the session the flows use (logging in only when there is none), not
     * a fresh login each time: every login takes a session, and Kingdee licenses limit concurrent sessions.
     */
    public void ping() {
        query("BD_Customer", List.of("FCUSTID"), "", "", 0, 1);
    }

    private JsonNode call(String operation, Object body, String formId) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new PermanentConnectorException(CONNECTOR, "cannot serialise the request: " + e.getMessage());
        }
        String what = operation + " " + formId;
        for (int attempt = 0; ; attempt++) {
            String session = session();
            HttpResponse<byte[]> response = send(request("DynamicFormService." + operation).header("Cookie", session)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
            JsonNode root = parse(response, what);
            JsonNode status = responseStatus(root);
            if (status == null || status.path("IsSuccess").asBoolean(true)) {
                return root;
            }
            if (status.path("MsgCode").asInt(0) == MSG_SESSION_LOST) {
                invalidate(session);
                if (attempt == 0) {
                    continue; // the session expired: log in again and repeat once
                }
                throw new TransientConnectorException(CONNECTOR, what + ": Kingdee lost a fresh session: " + messages(status), null);
            }
            throw new PermanentConnectorException(CONNECTOR, "Kingdee " + what + " refused: " + messages(status));
        }
    }

    private synchronized String session() {
        if (cookies == null) {
            cookies = login();
        }
        return cookies;
    }

    private synchronized void invalidate(String used) {
        if (Objects.equals(cookies, used)) {
            cookies = null;
        }
    }

    private String login() {
        byte[] body;
        try {
            body = json.writeValueAsBytes(Map.of("parameters", List.of(properties.acctId(), properties.username(),
                    properties.passwordValue(), properties.lcid())));
        } catch (IOException e) {
            throw new PermanentConnectorException(CONNECTOR, "cannot serialise the login: " + e.getMessage());
        }
        HttpResponse<byte[]> response = send(request(LOGIN).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        JsonNode root = parse(response, "login");
        if (root.path("LoginResultType").asInt(0) != 1) {
            throw new PermanentConnectorException(CONNECTOR, "Kingdee refused the login of " + properties.username()
                    + " to data centre " + properties.acctId() + " (LoginResultType " + root.path("LoginResultType").asText("?")
                    + "): " + root.path("Message").asText(""));
        }
        String cookie = response.headers().allValues("set-cookie").stream().map(c -> c.split(";", 2)[0].trim())
                .filter(c -> c.contains("=")).collect(Collectors.joining("; "));
        if (!cookie.contains(SESSION_COOKIE + "=")) {
            String id = root.path("KDSVCSessionId").asText("");
            if (id.isEmpty()) {
                throw new TransientConnectorException(CONNECTOR, "Kingdee logged in but set no " + SESSION_COOKIE + " cookie", null);
            }
            cookie = (cookie.isEmpty() ? "" : cookie + "; ") + SESSION_COOKIE + "=" + id;
        }
        return cookie;
    }

    private HttpRequest.Builder request(String service) {
        String url = properties.baseUrl().toString().replaceAll("/+$", "") + STUB + service + ".common.kdsvc";
        return HttpRequest.newBuilder(URI.create(url)).timeout(properties.readTimeout())
                .header("Content-Type", "application/json; charset=utf-8").header("Accept", "application/json");
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        rateLimiter.acquire(CONNECTOR);
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new TransientConnectorException(CONNECTOR, "POST " + request.uri().getPath() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientConnectorException(CONNECTOR, "interrupted", e);
        }
    }

    private JsonNode parse(HttpResponse<byte[]> response, String what) {
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw classify(response, what);
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new TransientConnectorException(CONNECTOR, what + ": Kingdee answered " + status + " with a body that is not JSON", e);
        }
    }

    /** {@code Result.ResponseStatus}, also inside ExecuteBillQuery's {@code [[{"Result":{...}}]]} error form. */
    static JsonNode responseStatus(JsonNode root) {
        if (root == null) {
            return null;
        }
        if (root.isArray()) {
            JsonNode first = root.path(0);
            JsonNode cell = first.isArray() ? first.path(0) : first;
            return cell.isObject() ? responseStatus(cell) : null;
        }
        JsonNode status = root.path("Result").path("ResponseStatus");
        return status.isObject() ? status : null;
    }

    /** Every error's message, each with the field Kingdee named: {@code [FNumber] 编码已存在; …}. */
    static String messages(JsonNode status) {
        List<String> parts = new ArrayList<>();
        for (JsonNode error : status.path("Errors")) {
            String field = error.path("FieldName").asText("");
            String message = error.path("Message").asText("");
            parts.add((field.isEmpty() || "null".equals(field) ? "" : "[" + field + "] ") + message);
        }
        String code = status.path("MsgCode").isMissingNode() ? "" : " (MsgCode " + status.path("MsgCode").asText() + ")";
        return (parts.isEmpty() ? "no error message" : String.join("; ", parts)) + code;
    }

    private ConnectorException classify(HttpResponse<byte[]> response, String what) {
        int status = response.statusCode();
        String text = new String(response.body(), StandardCharsets.UTF_8).strip();
        String detail = what + " → HTTP " + status + (text.isEmpty() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) : text));
        if (status == 408 || status == 429 || status >= 500) {
            Duration retryAfter = response.headers().firstValue("retry-after").flatMap(KingdeeClient::seconds).orElse(null);
            return new TransientConnectorException(CONNECTOR, detail, retryAfter, null);
        }
        return new PermanentConnectorException(CONNECTOR, detail);
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
