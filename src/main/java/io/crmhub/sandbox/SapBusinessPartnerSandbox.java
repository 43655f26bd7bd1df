package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful stand-in for SAP S/4HANA's {@code API_BUSINESS_PARTNER} (OData V2), as a WireMock transformer, so the
 * real connector code runs against it in the default local run and in tests:
 * <ul>
 *   <li>Basic auth; CSRF token + session cookies issued on {@code x-csrf-token: fetch}; modifying calls without a
 *       valid token/cookie pair get {@code 403} with {@code x-csrf-token: Required} ({@link #expireTokens()} forces it);</li>
 *   <li>{@code POST /A_BusinessPartner} deep insert → 201 {@code {"d":{...}}} with a new partner number;</li>
 *   <li>{@code GET /A_BusinessPartner('n')} with {@code __metadata.etag}; {@code $filter=BusinessPartnerIDByExtSystem eq '…'};</li>
 *   <li>{@code PATCH} needs {@code If-Match} (428 without, 412 on a stale ETag) → 204;</li>
 *   <li>errors in the OData V2 {@code {"error":{"code","message":{"lang","value"}}}} shape.</li>
 * </ul>
 */
public class SapBusinessPartnerSandbox implements ResponseDefinitionTransformerV2 {
    public static final String NAME = "sap-business-partner";
    public static final String SERVICE_PATH = "/sap/opu/odata/sap/API_BUSINESS_PARTNER/";
    private static final Pattern KEY = Pattern.compile("A_BusinessPartner\\('([^']+)'\\)");
    private static final Pattern EXT_FILTER = Pattern.compile("BusinessPartnerIDByExtSystem eq '([^']*)'");

    private final ObjectMapper json = new ObjectMapper();
    private final String expectedAuthorization;
    private final Map<String, String> tokens = new ConcurrentHashMap<>(); // token -> session id
    private final Map<String, ObjectNode> partners = new ConcurrentHashMap<>();
    /** BusinessPartnerIDByExtSystem → partner numbers, so $filter lookups cost what they cost in SAP (an index). */
    private final Map<String, java.util.Set<String>> byExternalId = new ConcurrentHashMap<>();
    private final AtomicLong numbers = new AtomicLong(1_000_000);

    public SapBusinessPartnerSandbox(String username, String password) {
        this.expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** Invalidates every CSRF token, as SAP does when a session times out. */
    public void expireTokens() {
        tokens.clear();
    }

    public Map<String, ObjectNode> partners() {
        return partners;
    }

    public void reset() {
        tokens.clear();
        partners.clear();
        byExternalId.clear();
    }

    private void index(ObjectNode partner) {
        String ext = partner.path("BusinessPartnerIDByExtSystem").asText("");
        if (!ext.isEmpty()) {
            byExternalId.computeIfAbsent(ext, k -> ConcurrentHashMap.newKeySet()).add(partner.path("BusinessPartner").asText());
        }
    }

    /**
     * A stub's fault (e.g. connection reset) and delay apply after the request took effect: with a fault SAP did the
     * work but the answer was lost, which is what a crash or network cut between call and reply looks like to the hub.
     */
    @Override
    public ResponseDefinition transform(ServeEvent event) {
        ResponseDefinition result = handle(event.getRequest());
        ResponseDefinition stub = event.getResponseDefinition();
        if (stub.getFault() == null && stub.getFixedDelayMilliseconds() == null) {
            return result;
        }
        ResponseDefinitionBuilder builder = ResponseDefinitionBuilder.like(result);
        if (stub.getFixedDelayMilliseconds() != null) {
            builder.withFixedDelay(stub.getFixedDelayMilliseconds());
        }
        if (stub.getFault() != null) {
            builder.withFault(stub.getFault());
        }
        return builder.build();
    }

    private ResponseDefinition handle(Request request) {
        if (!expectedAuthorization.equals(request.getHeader("Authorization"))) {
            return error(401, "/IWFND/MED/170", "Logon failed", null);
        }
        String method = request.getMethod().getName();
        String path = URLDecoder.decode(request.getUrl(), StandardCharsets.UTF_8);
        String relative = path.startsWith(SERVICE_PATH) ? path.substring(SERVICE_PATH.length()) : path;
        relative = relative.replaceAll("[?&]sap-client=\\d+", "");

        if ("fetch".equalsIgnoreCase(request.getHeader("x-csrf-token"))) {
            String session = UUID.randomUUID().toString().replace("-", "");
            String token = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)).substring(0, 24);
            tokens.put(token, session);
            return new ResponseDefinitionBuilder().withStatus(200)
                    .withHeader("x-csrf-token", token)
                    .withHeader("Set-Cookie", "SAP_SESSIONID_S4H_100=" + session + "; path=/; HttpOnly",
                            "sap-usercontext=sap-client=100; path=/")
                    .withHeader("Content-Type", "application/json").build();
        }
        boolean modifying = !method.equals("GET") && !method.equals("HEAD");
        if (modifying && !csrfValid(request)) {
            return new ResponseDefinitionBuilder().withStatus(403).withHeader("x-csrf-token", "Required")
                    .withHeader("Content-Type", "text/plain").withBody("CSRF token validation failed").build();
        }
        try {
            if (method.equals("POST") && relative.equals("A_BusinessPartner")) {
                return create(request);
            }
            Matcher key = KEY.matcher(relative);
            if (key.find()) {
                String number = key.group(1);
                ObjectNode partner = partners.get(number);
                if (partner == null) {
                    return error(404, "SY/530", "Resource not found for segment 'A_BusinessPartnerType'", null);
                }
                if (method.equals("GET")) {
                    return ok(200, partner.deepCopy(), etag(partner));
                }
                if (method.equals("PATCH") || method.equals("MERGE")) {
                    return update(request, partner);
                }
            }
            if (method.equals("GET") && relative.startsWith("A_BusinessPartner")) {
                return query(relative);
            }
            if (method.equals("GET") || method.equals("HEAD")) {
                return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"d\":{\"EntitySets\":[\"A_BusinessPartner\"]}}").build();
            }
            return error(405, "/IWBEP/CM_MGW_RT/020", "Method " + method + " not allowed for " + relative, null);
        } catch (Exception e) {
            return error(400, "/IWBEP/CM_MGW_RT/176", "Malformed request: " + e.getMessage(), null);
        }
    }

    private boolean csrfValid(Request request) {
        String token = request.getHeader("x-csrf-token");
        String session = token == null ? null : tokens.get(token);
        String cookie = request.getHeader("Cookie");
        return session != null && cookie != null && cookie.contains("SAP_SESSIONID_S4H_100=" + session);
    }

    private ResponseDefinition create(Request request) throws Exception {
        JsonNode body = json.readTree(request.getBodyAsString());
        String category = body.path("BusinessPartnerCategory").asText("");
        if (!category.equals("1") && !category.equals("2")) {
            return error(400, "R11/401", "Business partner category '" + category + "' is not valid", "BusinessPartnerCategory");
        }
        if (category.equals("2") && body.path("OrganizationBPName1").asText("").isBlank()) {
            return error(400, "R11/124", "Enter a name for the organization", "OrganizationBPName1");
        }
        if (category.equals("1") && body.path("LastName").asText("").isBlank()) {
            return error(400, "R11/123", "Enter a last name", "LastName");
        }
        if (!body.path("to_BusinessPartnerRole").isArray() || body.path("to_BusinessPartnerRole").isEmpty()) {
            return error(400, "R11/657", "Business partner needs at least one role", "to_BusinessPartnerRole");
        }
        String number = String.valueOf(numbers.incrementAndGet());
        ObjectNode partner = json.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = body.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            partner.set(f.getKey(), f.getValue());
        }
        partner.put("BusinessPartner", number);
        stamp(partner);
        partners.put(number, partner);
        index(partner);
        return ok(201, partner.deepCopy(), etag(partner));
    }

    private ResponseDefinition update(Request request, ObjectNode partner) throws Exception {
        String ifMatch = request.getHeader("If-Match");
        if (ifMatch == null) {
            return error(428, "/IWBEP/CM_MGW_RT/022", "Precondition required: send If-Match", null);
        }
        synchronized (partner) {
            if (!ifMatch.equals("*") && !ifMatch.equals(etag(partner))) {
                return error(412, "/IWBEP/CM_MGW_RT/021", "Precondition failed: the entity was changed", null);
            }
            JsonNode body = json.readTree(request.getBodyAsString());
            body.fields().forEachRemaining(f -> {
                if (!f.getKey().startsWith("to_") && !f.getKey().equals("BusinessPartner")) {
                    partner.set(f.getKey(), f.getValue());
                }
            });
            stamp(partner);
            index(partner);
        }
        return new ResponseDefinitionBuilder().withStatus(204).withHeader("ETag", etag(partner)).build();
    }

    private ResponseDefinition query(String relative) {
        Matcher filter = EXT_FILTER.matcher(relative);
        Optional<String> ext = filter.find() ? Optional.of(filter.group(1)) : Optional.empty();
        ArrayNode results = json.createArrayNode();
        java.util.Collection<ObjectNode> candidates = ext
                .map(e -> byExternalId.getOrDefault(e, java.util.Set.of()).stream().map(partners::get)
                        .filter(p -> p != null && e.equals(p.path("BusinessPartnerIDByExtSystem").asText())).toList())
                .orElseGet(() -> List.copyOf(partners.values()));
        candidates.stream()
                .sorted((a, b) -> a.path("BusinessPartner").asText().compareTo(b.path("BusinessPartner").asText()))
                .forEach(p -> results.add(p.deepCopy()));
        ObjectNode d = json.createObjectNode();
        d.set("results", results);
        return ok(200, d, null);
    }

    private static void stamp(ObjectNode partner) {
        String number = partner.path("BusinessPartner").asText();
        String changed = Instant.now().toString() + "-" + System.nanoTime();
        partner.put("LastChangeDateTime", changed);
        ObjectNode meta = partner.putObject("__metadata");
        meta.put("id", "A_BusinessPartner('" + number + "')");
        meta.put("uri", SERVICE_PATH + "A_BusinessPartner('" + number + "')");
        meta.put("type", "API_BUSINESS_PARTNER.A_BusinessPartnerType");
        meta.put("etag", "W/\"datetimeoffset'" + changed + "'\"");
    }

    private static String etag(ObjectNode partner) {
        return partner.path("__metadata").path("etag").asText();
    }

    private ResponseDefinition ok(int status, JsonNode d, String etag) {
        ObjectNode envelope = json.createObjectNode();
        envelope.set("d", d);
        List<HttpHeader> headers = new java.util.ArrayList<>(List.of(new HttpHeader("Content-Type", "application/json")));
        if (etag != null) {
            headers.add(new HttpHeader("ETag", etag));
        }
        return new ResponseDefinitionBuilder().withStatus(status).withHeaders(new HttpHeaders(headers))
                .withBody(envelope.toString()).build();
    }

    private ResponseDefinition error(int status, String code, String message, String target) {
        ObjectNode root = json.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.putObject("message").put("lang", "en").put("value", message);
        if (target != null) {
            error.putObject("innererror").putArray("errordetails").addObject().put("code", code).put("message", message)
                    .put("target", target).put("severity", "error");
        }
        return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(root.toString()).build();
    }
}
