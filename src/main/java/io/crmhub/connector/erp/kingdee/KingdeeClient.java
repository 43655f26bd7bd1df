package io.crmhub.connector.erp.kingdee;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.SessionExpiredException;
import io.crmhub.routing.TransientConnectorException;
import io.crmhub.routing.http.ConnectorHttpClient;
import io.crmhub.routing.http.ConnectorHttpClients;
import io.crmhub.routing.http.HttpAnswer;
import io.crmhub.routing.http.HttpOutcomes;
import io.crmhub.routing.http.ProviderError;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Client for the Kingdee K/3 Cloud WebAPI on the connector HTTP client ({@code /K3Cloud/Kingdee.BOS.WebApi.ServicesStub.*.common.kdsvc}), speaking
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
 * Statuses, I/O failures and Retry-After are the shared table's ({@link HttpOutcomes}); Kingdee's own are
 * IsSuccess=false (permanent, naming Kingdee's messages and fields), MsgCode 1 (the session) and a refused login.
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
    private final ConnectorHttpClient http;
    private volatile String cookies;

    public KingdeeClient(KingdeeProperties properties, ObjectMapper json, ConnectorHttpClients clients) {
        this.properties = properties;
        this.json = json;
        this.http = clients.create(CONNECTOR, properties, KingdeeClient::error);
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
            throw HttpOutcomes.undecodable(CONNECTOR, "ExecuteBillQuery " + formId, 200, "an array of rows", null);
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
            try {
                return http.sendForJson(what, request("DynamicFormService." + operation).header("Cookie", session)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
            } catch (SessionExpiredException e) {
                invalidate(session);
                if (attempt == 0) {
                    continue; // the session expired: log in again and repeat once
                }
                throw new TransientConnectorException(CONNECTOR, "Kingdee lost a fresh session: " + e.getMessage(), e);
            }
        }
    }

    /** Kingdee's own errors: {@code IsSuccess=false} inside HTTP 200, MsgCode 1 being the lost session. */
    static ProviderError error(HttpAnswer answer) {
        JsonNode status = answer.status() / 100 == 2 ? responseStatus(answer.jsonOrNull()) : null;
        if (status == null || status.path("IsSuccess").asBoolean(true)) {
            return null;
        }
        return status.path("MsgCode").asInt(0) == MSG_SESSION_LOST ? ProviderError.sessionExpired(messages(status))
                : ProviderError.of(messages(status));
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
        return http.send("login", request(LOGIN).POST(HttpRequest.BodyPublishers.ofByteArray(body)), answer -> {
            JsonNode root = answer.json();
            if (root.path("LoginResultType").asInt(0) != 1) {
                throw new PermanentConnectorException(CONNECTOR, "Kingdee refused the login of " + properties.username()
                        + " to data centre " + properties.acctId() + " (LoginResultType " + root.path("LoginResultType").asText("?")
                        + "): " + root.path("Message").asText(""));
            }
            String cookie = answer.headers("set-cookie").stream().map(c -> c.split(";", 2)[0].trim())
                    .filter(c -> c.contains("=")).collect(Collectors.joining("; "));
            if (!cookie.contains(SESSION_COOKIE + "=")) {
                String id = root.path("KDSVCSessionId").asText("");
                if (id.isEmpty()) {
                    throw new TransientConnectorException(CONNECTOR, "Kingdee logged in but set no " + SESSION_COOKIE + " cookie", null);
                }
                cookie = (cookie.isEmpty() ? "" : cookie + "; ") + SESSION_COOKIE + "=" + id;
            }
            return cookie;
        });
    }

    private HttpRequest.Builder request(String service) {
        String url = properties.baseUrl().toString().replaceAll("/+$", "") + STUB + service + ".common.kdsvc";
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json; charset=utf-8").header("Accept", "application/json");
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
}
