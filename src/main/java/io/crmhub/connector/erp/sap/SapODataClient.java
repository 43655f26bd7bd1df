package io.crmhub.connector.erp.sap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.ConnectorException;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.ConnectorRateLimiter;
import io.crmhub.routing.TransientConnectorException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * OData V2 client for SAP S/4HANA A2X services, speaking the protocol as SAP Gateway does:
 * <ul>
 *   <li>CSRF: {@code HEAD <service root>} with {@code x-csrf-token: fetch} returns a token and session cookies;
 *       both go on every POST/PATCH; a {@code 403} with {@code x-csrf-token: Required} means the token expired, so it
 *       is fetched again and the call repeated once.</li>
 *   <li>Responses use the {@code d} envelope; errors carry {@code error.message.value}.</li>
 *   <li>Updates use {@code PATCH} with {@code If-Match: <etag>}.</li>
 * </ul>
 * Failures are classified for the shared error handling: I/O, 408, 429, 5xx and 412 are transient, other 4xx permanent.
 */
public class SapODataClient {
    static final String CONNECTOR = "erp-sap";
    private static final String ODATA_ROOT = "/sap/opu/odata/sap/";

    private final SapProperties properties;
    private final ObjectMapper json;
    private final ConnectorRateLimiter rateLimiter;
    private final HttpClient http;
    private final String authorization;
    private final Map<String, CsrfSession> sessions = new ConcurrentHashMap<>();

    record CsrfSession(String token, String cookies) {
    }

    /** A successful OData response: the {@code d} payload and the entity's ETag, when it has one. */
    public record ODataResult(int status, JsonNode d, String etag) {
    }

    public SapODataClient(SapProperties properties, ObjectMapper json, ConnectorRateLimiter rateLimiter) {
        this.properties = properties;
        this.rateLimiter = rateLimiter;
        this.json = json;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.connectTimeout()).build();
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (properties.username() + ":" + properties.passwordValue()).getBytes(StandardCharsets.UTF_8));
    }

    public ODataResult get(String service, String path) {
        HttpRequest request = base(service, path).GET().build();
        return parse(send(request), service, path);
    }

    /** A GET of one entity that may not exist: SAP's 404 is an answer here (empty), not a failure. */
    public Optional<ODataResult> find(String service, String path) {
        HttpRequest request = base(service, path).GET().build();
        HttpResponse<byte[]> response = send(request);
        return response.statusCode() == 404 ? Optional.empty() : Optional.of(parse(response, service, path));
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
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(properties.readTimeout())
                .header("Authorization", authorization)
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", '"' + soapAction + '"')
                .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8)).build();
        HttpResponse<byte[]> response = send(request);
        if (response.statusCode() / 100 != 2) {
            throw classify(response, "SOAP " + path);
        }
        return response.body();
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
            HttpRequest.Builder builder = base(service, path)
                    .method(method, bytes == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes))
                    .header("x-csrf-token", session.token());
            if (bytes != null) {
                builder.header("Content-Type", "application/json");
            }
            if (!session.cookies().isEmpty()) {
                builder.header("Cookie", session.cookies());
            }
            if (etag != null) {
                builder.header("If-Match", etag);
            }
            HttpResponse<byte[]> response = send(builder.build());
            boolean csrfRejected = response.statusCode() == 403 && response.headers().firstValue("x-csrf-token")
                    .map(v -> v.equalsIgnoreCase("required")).orElse(false);
            if (csrfRejected) {
                sessions.remove(service, session);
                if (attempt == 0) {
                    continue; // token expired: fetch a new one and repeat once
                }
                throw new TransientConnectorException(CONNECTOR, "SAP rejected a freshly fetched CSRF token", null);
            }
            return parse(response, service, path);
        }
    }

    private CsrfSession fetchToken(String service) {
        HttpRequest request = base(service, "").method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("x-csrf-token", "fetch").build();
        HttpResponse<byte[]> response = send(request);
        if (response.statusCode() / 100 != 2) {
            throw classify(response, "CSRF token fetch on " + service);
        }
        String token = response.headers().firstValue("x-csrf-token")
                .orElseThrow(() -> new TransientConnectorException(CONNECTOR, "SAP returned no CSRF token", null));
        String cookies = response.headers().allValues("set-cookie").stream()
                .map(c -> c.split(";", 2)[0].trim()).filter(c -> c.contains("="))
                .collect(Collectors.joining("; "));
        return new CsrfSession(token, cookies);
    }

    private HttpRequest.Builder base(String service, String path) {
        String url = properties.baseUrl().toString().replaceAll("/+$", "") + ODATA_ROOT + service + "/" + path;
        if (properties.sapClient() != null && !properties.sapClient().isBlank()) {
            url += (url.contains("?") ? "&" : "?") + "sap-client=" + URLEncoder.encode(properties.sapClient(), StandardCharsets.UTF_8);
        }
        return HttpRequest.newBuilder(URI.create(url)).timeout(properties.readTimeout())
                .header("Authorization", authorization)
                .header("Accept", "application/json");
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        rateLimiter.acquire(CONNECTOR); // every request counts against the connector's limits, on every instance
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new TransientConnectorException(CONNECTOR, request.method() + " " + request.uri().getPath() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientConnectorException(CONNECTOR, "interrupted", e);
        }
    }

    private ODataResult parse(HttpResponse<byte[]> response, String service, String path) {
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw classify(response, response.request().method() + " " + service + "/" + path);
        }
        String etag = response.headers().firstValue("etag").orElse(null);
        if (response.body().length == 0) {
            return new ODataResult(status, null, etag);
        }
        try {
            JsonNode d = json.readTree(response.body()).path("d");
            if (etag == null) {
                JsonNode meta = d.path("__metadata").path("etag");
                etag = meta.isTextual() ? meta.asText() : null;
            }
            return new ODataResult(status, d, etag);
        } catch (IOException e) {
            throw new TransientConnectorException(CONNECTOR, "SAP answered " + status + " with a body that is not JSON", e);
        }
    }

    private ConnectorException classify(HttpResponse<byte[]> response, String what) {
        int status = response.statusCode();
        String detail = what + " → HTTP " + status + errorMessage(response.body()).map(m -> ": " + m).orElse("");
        if (status == 408 || status == 412 || status == 429 || status >= 500) {
            Duration retryAfter = response.headers().firstValue("retry-after").flatMap(SapODataClient::seconds).orElse(null);
            return new TransientConnectorException(CONNECTOR, detail, retryAfter, null);
        }
        return new PermanentConnectorException(CONNECTOR, detail);
    }

    private Optional<String> errorMessage(byte[] body) {
        try {
            JsonNode error = json.readTree(body).path("error");
            String code = error.path("code").asText("");
            String message = error.path("message").path("value").asText("");
            return message.isEmpty() ? Optional.empty() : Optional.of((code.isEmpty() ? "" : code + " ") + message);
        } catch (IOException | RuntimeException e) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            java.util.regex.Matcher fault = java.util.regex.Pattern.compile("<faultstring[^>]*>([^<]*)</faultstring>").matcher(text);
            if (fault.find()) {
                return Optional.of("SOAP fault: " + fault.group(1));
            }
            return text.isEmpty() ? Optional.empty() : Optional.of(text.length() > 200 ? text.substring(0, 200) : text);
        }
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
