package io.crmhub.routing.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import io.crmhub.events.Correlation;
import io.crmhub.routing.BreakerProperties;
import io.crmhub.routing.ConnectorGuards;
import io.crmhub.routing.ConnectorRateLimiter;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.RateLimit;
import io.crmhub.routing.SessionExpiredException;
import io.crmhub.routing.TransientConnectorException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.MDC;

/**
 * The one table of transient and permanent outcomes (docs/operations.md §1, {@link HttpOutcomes}), one row per outcome,
 * against a real HTTP server with the real client every connector uses. Connector tests test only what is their own
 * (envelopes, signing, sessions), not this table again.
 */
class ConnectorHttpClientOutcomesTest {
    /** The client's clock: HTTP-date Retry-After values are relative to it. */
    private static final Instant NOW = Instant.parse("2026-03-02T08:00:00Z");
    private static final Duration READ_TIMEOUT = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static WireMockServer provider;
    private static int closedPort;

    private ConnectorGuards guards;

    /** A connector's settings as its properties record gives them. */
    record Settings(Duration connectTimeout, Duration readTimeout, BreakerProperties.ConnectorOverride breaker, RateLimit rateLimit)
            implements ConnectorHttpSettings {
    }

    enum Expect { SUCCESS, TRANSIENT, PERMANENT }

    @BeforeAll
    static void start() throws IOException {
        provider = new WireMockServer(options().dynamicPort());
        provider.start();
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
    }

    @AfterAll
    static void stop() {
        provider.stop();
    }

    @BeforeEach
    void reset() {
        provider.resetAll();
        guards = new ConnectorGuards(new BreakerProperties(new BreakerProperties.Settings(50, 4, 4, Duration.ofMinutes(1), 1)),
                new SimpleMeterRegistry());
    }

    static Stream<Arguments> table() {
        return Stream.of(
                row("200 with JSON", json(200), Expect.SUCCESS, null),
                row("204 without a body", aResponse().withStatus(204), Expect.SUCCESS, null),
                row("200 whose body is not JSON (a proxy's page)", aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/html").withBody("<html>maintenance</html>"), Expect.TRANSIENT, null),
                row("408 Request Timeout", status(408), Expect.TRANSIENT, null),
                row("412 Precondition Failed (a lost ETag race)", status(412), Expect.TRANSIENT, null),
                row("425 Too Early", status(425), Expect.TRANSIENT, null),
                row("429 Too Many Requests", status(429), Expect.TRANSIENT, null),
                row("500 Internal Server Error", status(500), Expect.TRANSIENT, null),
                row("502 Bad Gateway", status(502), Expect.TRANSIENT, null),
                row("503 Service Unavailable", status(503), Expect.TRANSIENT, null),
                row("504 Gateway Timeout", status(504), Expect.TRANSIENT, null),
                row("507, another 5xx", status(507), Expect.TRANSIENT, null),
                row("501 Not Implemented", status(501), Expect.PERMANENT, null),
                row("505 HTTP Version Not Supported", status(505), Expect.PERMANENT, null),
                row("400 Bad Request", status(400), Expect.PERMANENT, null),
                row("401 Unauthorized", status(401), Expect.PERMANENT, null),
                row("403 Forbidden", status(403), Expect.PERMANENT, null),
                row("404 Not Found", status(404), Expect.PERMANENT, null),
                row("409 Conflict", status(409), Expect.PERMANENT, null),
                row("422 Unprocessable", status(422), Expect.PERMANENT, null),
                row("301 redirect (not followed)", status(301).withHeader("Location", "/elsewhere"), Expect.PERMANENT, null),
                row("connection reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), Expect.TRANSIENT, null),
                row("connection closed without an answer", aResponse().withFault(Fault.EMPTY_RESPONSE), Expect.TRANSIENT, null),
                row("read timeout", json(200).withFixedDelay((int) READ_TIMEOUT.multipliedBy(3).toMillis()), Expect.TRANSIENT, null),
                row("connection refused", null, Expect.TRANSIENT, null),
                row("Retry-After in seconds", status(503).withHeader("Retry-After", "7"), Expect.TRANSIENT, Duration.ofSeconds(7)),
                row("Retry-After as an HTTP-date (IMF-fixdate)", status(429).withHeader("Retry-After", "Mon, 02 Mar 2026 08:02:00 GMT"),
                        Expect.TRANSIENT, Duration.ofMinutes(2)),
                row("Retry-After as an RFC 850 date", status(503).withHeader("Retry-After", "Monday, 02-Mar-26 08:00:30 GMT"),
                        Expect.TRANSIENT, Duration.ofSeconds(30)),
                row("Retry-After as an asctime date", status(503).withHeader("Retry-After", "Mon Mar  2 08:01:00 2026"),
                        Expect.TRANSIENT, Duration.ofMinutes(1)),
                row("Retry-After garbage: normal backoff, not an immediate retry", status(503).withHeader("Retry-After", "soon"),
                        Expect.TRANSIENT, null),
                row("Retry-After 0: normal backoff", status(429).withHeader("Retry-After", "0"), Expect.TRANSIENT, null),
                row("Retry-After in the past: normal backoff", status(503).withHeader("Retry-After", "Mon, 02 Mar 2026 07:00:00 GMT"),
                        Expect.TRANSIENT, null),
                row("Retry-After on a permanent answer is no hint", status(400).withHeader("Retry-After", "7"), Expect.PERMANENT, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void eachOutcomeIsClassifiedByTheOneTable(String outcome, ResponseDefinitionBuilder answer, Expect expected, Duration retryAfter) {
        URI target;
        if (answer == null) {
            target = URI.create("http://127.0.0.1:" + closedPort + "/api");
        } else {
            provider.stubFor(any(anyUrl()).willReturn(answer));
            target = URI.create(provider.baseUrl() + "/api");
        }
        ConnectorHttpClient client = client("outcomes", ProviderErrors.NONE);
        HttpRequest.Builder request = HttpRequest.newBuilder(target).POST(HttpRequest.BodyPublishers.ofString("{}"));
        switch (expected) {
            case SUCCESS -> assertThat(client.send("POST /api", request, HttpAnswer::status)).isBetween(200, 299);
            case TRANSIENT -> assertThatThrownBy(() -> client.sendForJson("POST /api", request))
                    .isExactlyInstanceOf(TransientConnectorException.class).hasMessageContaining("POST /api")
                    .satisfies(e -> assertThat(((TransientConnectorException) e).retryAfter()).isEqualTo(Optional.ofNullable(retryAfter)));
            case PERMANENT -> assertThatThrownBy(() -> client.sendForJson("POST /api", request))
                    .isExactlyInstanceOf(PermanentConnectorException.class).hasMessageContaining("POST /api → HTTP");
        }
    }

    /** A provider's error decoding refines the table through its verdict, and names the reason. */
    static Stream<Arguments> refinements() {
        return Stream.of(
                row("a provider error inside a 200 is a refusal", envelope(200, "REFUSED", null), Expect.PERMANENT, null),
                row("a provider's busy code inside a 200 is transient", envelope(200, "BUSY", "TRANSIENT"), Expect.TRANSIENT, null),
                row("a provider's code can make a 5xx permanent", envelope(500, "BAD_ACCOUNT", "PERMANENT"), Expect.PERMANENT, null),
                row("a provider's code can make a 409 transient", envelope(409, "IN_FLIGHT", "TRANSIENT"), Expect.TRANSIENT, null),
                row("without a verdict the status decides", envelope(503, "DOWN", null).withHeader("Retry-After", "3"),
                        Expect.TRANSIENT, Duration.ofSeconds(3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refinements")
    void aProviderRefinesTheTableOnlyThroughItsErrorDecoding(String outcome, ResponseDefinitionBuilder answer, Expect expected,
                                                             Duration retryAfter) {
        provider.stubFor(any(anyUrl()).willReturn(answer));
        ConnectorHttpClient client = client("refined", ConnectorHttpClientOutcomesTest::envelopeError);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/api")).GET();
        Class<?> type = expected == Expect.TRANSIENT ? TransientConnectorException.class : PermanentConnectorException.class;
        assertThatThrownBy(() -> client.sendForJson("GET /api", request)).isExactlyInstanceOf(type).hasMessageContaining("code ")
                .satisfies(e -> {
                    if (e instanceof TransientConnectorException t) {
                        assertThat(t.retryAfter()).isEqualTo(Optional.ofNullable(retryAfter));
                    }
                });
    }

    @Test
    void anExpiredSessionIsItsOwnFaultAndNotTheProvidersIllHealth() {
        provider.stubFor(any(anyUrl()).willReturn(envelope(200, "SESSION", "SESSION_EXPIRED")));
        ConnectorHttpClient client = client("session", ConnectorHttpClientOutcomesTest::envelopeError);
        for (int i = 0; i < 6; i++) {
            assertThatThrownBy(() -> client.sendForJson("GET /api", HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/api"))))
                    .isInstanceOf(SessionExpiredException.class);
        }
        assertThat(guards.breaker("session").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void transientFaultsOpenTheBreakerWhichThenRefusesWithoutCallingTheProvider() {
        provider.stubFor(any(anyUrl()).willReturn(status(503)));
        ConnectorHttpClient client = client("breaker", ProviderErrors.NONE);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> client.send("GET /api", HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/api"))))
                    .hasMessageContaining("HTTP 503");
        }
        assertThatThrownBy(() -> client.send("GET /api", HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/api"))))
                .isInstanceOfSatisfying(TransientConnectorException.class, e -> assertThat(e.retryAfter()).contains(Duration.ofMinutes(1)))
                .hasMessageContaining("circuit breaker open");
        provider.verify(4, anyRequestedFor(anyUrl()));
    }

    @Test
    void permanentFaultsDoNotOpenTheBreaker() {
        provider.stubFor(any(anyUrl()).willReturn(status(400)));
        ConnectorHttpClient client = client("refusals", ProviderErrors.NONE);
        for (int i = 0; i < 6; i++) {
            assertThatThrownBy(() -> client.send("GET /api", HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/api"))))
                    .isInstanceOf(PermanentConnectorException.class);
        }
        assertThat(guards.breaker("refusals").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aFindTakesNotFoundAsAnAnswer() {
        provider.stubFor(any(anyUrl()).willReturn(status(404)));
        ConnectorHttpClient client = client("find", ProviderErrors.NONE);
        assertThat(client.find("GET /api/1", HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/api/1")), HttpAnswer::json)).isEmpty();
    }

    @Test
    void everyRequestCarriesTheCorrelationIdOfTheWorkInProgress() {
        provider.stubFor(any(anyUrl()).willReturn(json(200)));
        ConnectorHttpClient client = client("correlated", ProviderErrors.NONE);
        MDC.put(Correlation.MDC_KEY, "corr-4711");
        try {
            client.sendForJson("GET /api", HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/api")));
        } finally {
            MDC.remove(Correlation.MDC_KEY);
        }
        client.sendForJson("GET /api", HttpRequest.newBuilder(URI.create(provider.baseUrl() + "/api")));
        provider.verify(1, anyRequestedFor(anyUrl()).withHeader(Correlation.HTTP_HEADER, equalTo("corr-4711")));
        assertThat(provider.getAllServeEvents()).allSatisfy(e ->
                assertThat(e.getRequest().getHeader(Correlation.HTTP_HEADER)).isNotBlank());
    }

    @Test
    void theConnectorsOwnBreakerSettingsOverrideOnlyWhatTheyName() {
        client("overridden", ProviderErrors.NONE, new BreakerProperties.ConnectorOverride(null, null, null, Duration.ofSeconds(5), null));
        assertThat(guards.settings("overridden")).isEqualTo(new BreakerProperties.Settings(50, 4, 4, Duration.ofSeconds(5), 1));
        assertThat(guards.settings("not-configured").openFor()).isEqualTo(Duration.ofMinutes(1));
    }

    // ---- helpers ----

    private ConnectorHttpClient client(String connector, ProviderErrors errors) {
        return client(connector, errors, null);
    }

    private ConnectorHttpClient client(String connector, ProviderErrors errors, BreakerProperties.ConnectorOverride breaker) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new ConnectorHttpClients(guards, new ConnectorRateLimiter(null, clock), JSON, clock)
                .create(connector, new Settings(Duration.ofSeconds(2), READ_TIMEOUT, breaker, null), errors);
    }

    private static Arguments row(String outcome, ResponseDefinitionBuilder answer, Expect expected, Duration retryAfter) {
        return Arguments.of(outcome, answer, expected, retryAfter);
    }

    private static ResponseDefinitionBuilder status(int status) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/plain").withBody("status " + status);
    }

    private static ResponseDefinitionBuilder json(int status) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody("{\"ok\":true}");
    }

    /** A made-up provider envelope: {@code {"error":{"code":"BUSY","verdict":"TRANSIENT"}}}. */
    private static ResponseDefinitionBuilder envelope(int status, String code, String verdict) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(JSON.createObjectNode()
                .set("error", JSON.createObjectNode().put("code", code).put("verdict", verdict)).toString());
    }

    private static ProviderError envelopeError(HttpAnswer answer) {
        JsonNode root = answer.jsonOrNull();
        JsonNode error = root == null ? null : root.get("error");
        if (error == null) {
            return null;
        }
        String verdict = error.path("verdict").asText(null);
        return new ProviderError("code " + error.path("code").asText(), verdict == null ? null : ProviderError.Verdict.valueOf(verdict));
    }
}
