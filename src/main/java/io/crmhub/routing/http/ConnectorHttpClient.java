package io.crmhub.routing.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.events.Correlation;
import io.crmhub.routing.ConnectorGuards;
import io.crmhub.routing.ConnectorRateLimiter;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.RateLimit;
import io.crmhub.routing.SessionExpiredException;
import io.crmhub.routing.TransientConnectorException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.MDC;

/**
 * The HTTP client of one connector, the only way a connector talks to its provider. Every request: its read timeout,
 * the {@value #CORRELATION_HEADER} of the work in progress, a slot of the connector's rate limit, its circuit breaker
 * and latency timer ({@link ConnectorGuards}), and one classification of what came back ({@link HttpOutcomes}),
 * refined only by the provider's {@link ProviderErrors}. Failures are {@link TransientConnectorException} (with the
 * provider's Retry-After as hint), {@link PermanentConnectorException} or {@link SessionExpiredException}.
 * Auth, signing and the meaning of a successful answer stay with the connector. Made by {@link ConnectorHttpClients}.
 */
public final class ConnectorHttpClient {
    /** Sent on every request so a provider's logs can be matched with ours (no provider signs or forbids it). */
    public static final String CORRELATION_HEADER = Correlation.HTTP_HEADER;

    private final String connector;
    private final HttpClient http;
    private final Duration readTimeout;
    private final RateLimit rateLimit;
    private final ProviderErrors errors;
    private final ConnectorGuards guards;
    private final ConnectorRateLimiter rateLimiter;
    private final ObjectMapper json;
    private final Clock clock;

    ConnectorHttpClient(String connector, ConnectorHttpSettings settings, ProviderErrors errors, ConnectorGuards guards,
                        ConnectorRateLimiter rateLimiter, ObjectMapper json, Clock clock) {
        this.connector = connector;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.connectTimeout()).build();
        this.readTimeout = settings.readTimeout();
        this.rateLimit = settings.rateLimit();
        this.errors = errors;
        this.guards = guards;
        this.rateLimiter = rateLimiter;
        this.json = json;
        this.clock = clock;
    }

    public String connector() {
        return connector;
    }

    /** Sends one request; the answer when it is a success, else the classified failure. */
    public HttpAnswer send(String what, HttpRequest.Builder request) {
        return send(what, request, answer -> answer);
    }

    /** {@link #send} whose successful answer must be JSON. */
    public JsonNode sendForJson(String what, HttpRequest.Builder request) {
        return send(what, request, HttpAnswer::json);
    }

    /**
     * Sends one request and turns its successful answer into the result with {@code read}, inside the breaker: an
     * answer {@code read} cannot decode ({@link HttpOutcomes#undecodable}) counts as the provider's fault.
     *
     * @param what the request as messages name it ({@code GET A_BusinessPartner('1')}, {@code Save BD_Customer})
     */
    public <T> T send(String what, HttpRequest.Builder request, Function<HttpAnswer, T> read) {
        HttpRequest built = prepared(request);
        return guards.guard(connector, () -> rateLimiter.acquire(connector, rateLimit), () -> result(exchange(what, built), read));
    }

    /** A request for something that may not exist: a 404 or 410 is an answer here (empty), not a failure. */
    public <T> Optional<T> find(String what, HttpRequest.Builder request, Function<HttpAnswer, T> read) {
        HttpRequest built = prepared(request);
        return guards.guard(connector, () -> rateLimiter.acquire(connector, rateLimit), () -> {
            HttpAnswer answer = exchange(what, built);
            return answer.status() == 404 || answer.status() == 410 ? Optional.empty() : Optional.ofNullable(result(answer, read));
        });
    }

    private HttpRequest prepared(HttpRequest.Builder request) {
        return request.timeout(readTimeout).setHeader(CORRELATION_HEADER, correlationId())
                .setHeader("User-Agent", "crm-hub (" + connector + ")").build();
    }

    /**
     * The work's correlation id as {@link Correlation} keeps it, or a fresh one for work that has none (a health ping).
     * Read from the MDC rather than by {@code Correlation.currentOrNew()}: that call would close the events ↔ routing
     * cycle that {@code OutboxRelay}'s use of {@code ClusterLease} opens (issue 12, boundaries), failing ArchitectureTest.
     */
    private static String correlationId() {
        String id = MDC.get(Correlation.MDC_KEY);
        return id != null ? id : UUID.randomUUID().toString();
    }

    private <T> T result(HttpAnswer answer, Function<HttpAnswer, T> read) {
        ProviderError error = errors.read(answer);
        HttpOutcomes.Outcome outcome = HttpOutcomes.of(answer.status(), error);
        if (outcome == HttpOutcomes.Outcome.SUCCESS) {
            return read.apply(answer);
        }
        throw failure(answer, error, outcome);
    }

    private HttpAnswer exchange(String what, HttpRequest request) {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new HttpAnswer(connector, what, response.statusCode(), response.headers(), response.body(), json);
        } catch (IOException e) { // refused, reset, connect or read timeout, TLS: no answer
            throw new TransientConnectorException(connector, what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientConnectorException(connector, what + " interrupted", e);
        }
    }

    private RuntimeException failure(HttpAnswer answer, ProviderError error, HttpOutcomes.Outcome outcome) {
        String said = error != null && error.message() != null && !error.message().isBlank() ? error.message() : answer.excerpt();
        String detail = answer.what() + " → HTTP " + answer.status() + (said.isEmpty() ? "" : ": " + said);
        return switch (outcome) {
            case TRANSIENT -> new TransientConnectorException(connector, detail,
                    HttpOutcomes.retryAfter(answer.header("Retry-After").orElse(null), clock.instant()).orElse(null), null);
            case SESSION_EXPIRED -> new SessionExpiredException(connector, detail);
            default -> new PermanentConnectorException(connector, detail);
        };
    }
}
