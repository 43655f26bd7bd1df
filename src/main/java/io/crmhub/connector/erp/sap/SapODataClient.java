package io.crmhub.connector.erp.sap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.SessionExpiredException;
import io.crmhub.routing.TransientConnectorException;
import io.crmhub.routing.http.ConnectorHttpClient;
import io.crmhub.routing.http.ConnectorHttpClients;
import io.crmhub.routing.http.HttpAnswer;
import io.crmhub.routing.http.ProviderError;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * OData V2 client for SAP S/4HANA A2X services on the connector HTTP client, speaking the protocol as SAP Gateway does:
 * <ul>
 *   <li>CSRF: {@code HEAD <service root>} with {@code x-csrf-token: fetch} returns a token and session cookies;
 *       both go on every POST/PATCH; a {@code 403} with {@code x-csrf-token: Required} means the token expired, so it
 *       is fetched again and the call repeated once.</li>
 *   <li>Responses use the {@code d} envelope; errors carry {@code error.message.value} (SOAP: {@code faultstring}).</li>
 *   <li>Updates use {@code PATCH} with {@code If-Match: <etag>}.</li>
 * </ul>
 * Transient and permanent outcomes are the shared table's ({@link io.crmhub.routing.http.HttpOutcomes}).
 */
public class SapODataClient {
    static final String CONNECTOR = "erp-sap";
    private static final String ODATA_ROOT = "/sap/opu/odata/sap/";

    private static final Pattern FAULT = Pattern.compile("<faultstring[^>]*>([^<]*)</faultstring>");

    private final SapProperties properties;
    private final ObjectMapper json;
    private final ConnectorHttpClient http;
    private final String authorization;
    private final Map<String, CsrfSession> sessions = new ConcurrentHashMap<>();

    record CsrfSession(String token, String cookies) {
    }

    /** A successful OData response: the {@code d} payload and the entity's ETag, when it has one. */
    public record ODataResult(int status, JsonNode d, String etag) {
    }

    public SapODataClient(SapProperties properties, ObjectMapper json, ConnectorHttpClients clients) {
        this.properties = properties;
        this.json = json;
        this.http = clients.create(CONNECTOR, properties, SapODataClient::error);
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (properties.username() + ":" + properties.passwordValue()).getBytes(StandardCharsets.UTF_8));
    }

    public ODataResult get(String service, String path) {
        return http.send("GET " + service + "/" + path, base(service, path).GET(), SapODataClient::parse);
    }

    /** A GET of one entity that may not exist: SAP's 404 is an answer here (empty), not a failure. */
    public Optional<ODataResult> find(String service, String path) {
        return http.find("GET " + service + "/" + path, base(service, path).GET(), SapODataClient::parse);
    }

    public ODataResult post(String service, String path, Object body) {
        return modifying(service, path, "POST", body, null);
    }

    public ODataResult patch(String service, String path, String etag, Object body) {
        return modifying(service, path, "PATCH", body, etag);
    }

    public ODataResult delete(String service, String path, String etag) {
        return modifying(service, path, "DELETE", null, etag);
    }

    /**
     * A synchronous SOAP call on the same connection and communication user (SAP's SOAP services take no CSRF token):
     * the response envelope, or a classified failure. SAP answers every SOAP fault with HTTP 500, business errors
     * included, so a fault is transient here (retried, then parked and re-driven with its fault string); callers turn
     * the errors SAP reports inside a 200 answer (the confirmation's log) into permanent failures.
     */
    public byte[] soap(String path, String soapAction, String envelope) {
        String url = properties.baseUrl().toString().replaceAll("/+$", "") + path;
        if (properties.sapClient() != null && !properties.sapClient().isBlank()) {
            url += "?sap-client=" + URLEncoder.encode(properties.sapClient(), StandardCharsets.UTF_8);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", authorization)
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", '"' + soapAction + '"')
                .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8));
        return http.send("SOAP " + path, request, HttpAnswer::body);
    }

    /** Cheap reachability check for health: the CSRF fetch on the service root. */
    public void ping(String service) {
        fetchToken(service);
    }

    /** An entity key path as SAP writes it: {@code A_BusinessPartner('1000123')}. */
    public static String keyPath(String entitySet, String key) {
        return entitySet + "('" + URLEncoder.encode(key.replace("'", "''"), StandardCharsets.UTF_8) + "')";
    }

    /** A quoted, URL-encoded string literal for {@code $filter}. */
    public static String quote(String value) {
        return URLEncoder.encode("'" + value.replace("'", "''") + "'", StandardCharsets.UTF_8).replace("+", "%20");
    }

    private ODataResult modifying(String service, String path, String method, Object body, String etag) {
        byte[] bytes;
        try {
            bytes = body == null ? null : json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new PermanentConnectorException(CONNECTOR, "cannot serialise the request: " + e.getMessage());
        }
        for (int attempt = 0; ; attempt++) {
            CsrfSession session = sessions.computeIfAbsent(service, this::fetchToken);
            HttpRequest.Builder request = base(service, path)
                    .method(method, bytes == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes))
                    .header("x-csrf-token", session.token());
            if (bytes != null) {
                request.header("Content-Type", "application/json");
            }
            if (!session.cookies().isEmpty()) {
                request.header("Cookie", session.cookies());
            }
            if (etag != null) {
                request.header("If-Match", etag);
            }
            try {
                return http.send(method + " " + service + "/" + path, request, SapODataClient::parse);
            } catch (SessionExpiredException e) {
                sessions.remove(service, session);
                if (attempt == 0) {
                    continue; // token expired: fetch a new one and repeat once
                }
                throw new TransientConnectorException(CONNECTOR, "SAP rejected a freshly fetched CSRF token: " + e.getMessage(), e);
            }
        }
    }

    private CsrfSession fetchToken(String service) {
        HttpRequest.Builder request = base(service, "").method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("x-csrf-token", "fetch");
        return http.send("CSRF token fetch on " + service, request, answer -> {
            String token = answer.header("x-csrf-token")
                    .orElseThrow(() -> new TransientConnectorException(CONNECTOR, "SAP returned no CSRF token", null));
            String cookies = answer.headers("set-cookie").stream()
                    .map(c -> c.split(";", 2)[0].trim()).filter(c -> c.contains("="))
                    .collect(Collectors.joining("; "));
            return new CsrfSession(token, cookies);
        });
    }

    private HttpRequest.Builder base(String service, String path) {
        String url = properties.baseUrl().toString().replaceAll("/+$", "") + ODATA_ROOT + service + "/" + path;
        if (properties.sapClient() != null && !properties.sapClient().isBlank()) {
            url += (url.contains("?") ? "&" : "?") + "sap-client=" + URLEncoder.encode(properties.sapClient(), StandardCharsets.UTF_8);
        }
        return HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", authorization)
                .header("Accept", "application/json");
    }

    private static ODataResult parse(HttpAnswer answer) {
        String etag = answer.header("etag").orElse(null);
        if (answer.isEmpty()) {
            return new ODataResult(answer.status(), null, etag);
        }
        JsonNode d = answer.json().path("d");
        if (etag == null) {
            JsonNode meta = d.path("__metadata").path("etag");
            etag = meta.isTextual() ? meta.asText() : null;
        }
        return new ODataResult(answer.status(), d, etag);
    }

    /** SAP's own errors: an expired CSRF token, OData's {@code error} envelope, a SOAP fault. */
    static ProviderError error(HttpAnswer answer) {
        if (answer.status() == 403 && answer.header("x-csrf-token").map("required"::equalsIgnoreCase).orElse(false)) {
            return ProviderError.sessionExpired("CSRF token required");
        }
        if (answer.status() / 100 == 2) {
            return null; // OData and SOAP report their errors with an error status; the confirmation log is the caller's
        }
        JsonNode root = answer.jsonOrNull();
        if (root != null) {
            JsonNode error = root.path("error");
            String code = error.path("code").asText("");
            String message = error.path("message").path("value").asText("");
            return message.isEmpty() ? null : ProviderError.of((code.isEmpty() ? "" : code + " ") + message);
        }
        Matcher fault = FAULT.matcher(answer.text());
        return fault.find() ? ProviderError.of("SOAP fault: " + fault.group(1)) : null;
    }
}
