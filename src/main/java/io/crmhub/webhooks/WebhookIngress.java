package io.crmhub.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.api.ProblemResponses;
import io.crmhub.api.RequestSizeLimitFilter;
import io.crmhub.events.Correlation;
import io.crmhub.events.Inbox;
import io.crmhub.events.InboxWriter;
import io.crmhub.ops.audit.AuditLog;
import io.crmhub.routing.NotificationRefusedException;
import io.crmhub.routing.WebhookVerifier;
import io.crmhub.routing.WebhookVerifier.Acknowledgement;
import io.crmhub.routing.WebhookVerifier.Endpoint;
import io.crmhub.routing.WebhookVerifier.Request;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * {@code /webhooks/<category>/<provider>[/<account>]}, every provider's webhook: the provider's signature is the
 * authentication. A POST is verified on the raw bytes by the provider's {@link WebhookVerifier}, stored once in the
 * inbox with the event that routes it to the verifier's address, and answered with the provider's exact
 * acknowledgement; processing happens asynchronously in the provider's flow. A GET is the provider's handshake where
 * it declares one. Refusals are 401, audited ({@code webhook.refused}), and have no effect. Every other method is 405
 * with {@code Allow}; every answer carries {@code X-Content-Type-Options: nosniff}; errors are problem+json with
 * {@code "code":"FAIL","message":…} added, the members WeChat Pay expects (the others only look at the status).
 *
 * <p>A plain servlet beside Spring MVC's dispatcher, and outside Spring Security (no user, session or browser on this
 * path): this is the hub's hottest endpoint, and the dispatcher's handler lookup, argument resolution and return
 * value handling cost more than the signature check (decision D28, BENCHMARKS.md). The servlet filters still apply:
 * correlation id, body size limit, HTTP metrics.
 */
final class WebhookIngress extends HttpServlet {
    private static final Logger log = LoggerFactory.getLogger(WebhookIngress.class);
    private static final byte[] NO_BODY = new byte[0];

    private final transient WebhookRoutes routes;
    private final transient InboxWriter inbox;
    private final transient AuditLog audit;
    private final transient ObjectMapper json;

    WebhookIngress(WebhookRoutes routes, InboxWriter inbox, AuditLog audit, ObjectMapper json) {
        this.routes = routes;
        this.inbox = inbox;
        this.audit = audit;
        this.json = json;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        String path = request.getPathInfo();
        WebhookRoutes.Target target = routes.resolve(path);
        // the HTTP metrics name the endpoint as Spring MVC would (uri="/webhooks/payments/{provider}"), not UNKNOWN
        String pattern = target != null ? target.route().pathPattern() : routes.missPattern(path);
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(context -> context.setPathPattern(pattern));
        if (target == null) {
            String shown = path == null ? "" : path.length() > 80 ? path.substring(0, 80) + "…" : path;
            fail(response, HttpServletResponse.SC_NOT_FOUND, "no connector serves " + WebhookRoutes.PREFIX + shown);
            return;
        }
        String method = request.getMethod();
        if ("POST".equals(method)) {
            notification(request, response, target);
        } else if ("GET".equals(method) && target.route().endpoint().hasHandshake()) {
            handshake(request, response, target);
        } else {
            response.setHeader(HttpHeaders.ALLOW, target.route().allow());
            fail(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, method + " is not allowed here; " + target.route().allow() + " is");
        }
    }

    private void notification(HttpServletRequest request, HttpServletResponse response, WebhookRoutes.Target target) throws IOException {
        WebhookRoutes.Route route = target.route();
        Endpoint endpoint = route.endpoint();
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readAllBytes();
        } catch (IOException e) {
            if (RequestSizeLimitFilter.isTooLarge(e)) {
                fail(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "the request body is larger than the limit");
                return;
            }
            throw e;
        }
        WebhookVerifier.Verified<?> verified;
        try {
            verified = route.verifier().verify(new Request(target.account(), headers(request), request.getQueryString(), body));
        } catch (NotificationRefusedException refused) {
            refuse(request, response, target, "notification", refused,
                    Map.of("remoteAddress", String.valueOf(request.getRemoteAddr()), "bytes", body.length));
            return;
        }
        Inbox.Outcome outcome;
        try {
            outcome = inbox.accept(new Inbox.Entry(endpoint.provider(), verified.eventId(), verified.eventType(), endpoint.aggregate(),
                    verified.businessKey(), toJson(verified.content()), endpoint.address(), Correlation.currentOrNew()));
        } catch (InboxWriter.InboxUnavailableException e) {
            log.warn("Could not store {} notification {}: {}; not acknowledged, the provider will re-send", route.key(),
                    verified.eventId(), e.getMessage());
            response.setHeader(HttpHeaders.RETRY_AFTER, "5");
            fail(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "temporarily unable to store the notification");
            return;
        }
        log.info("{} notification {} ({}) for {}: {}", route.key(), verified.eventId(), verified.eventType(),
                verified.businessKey(), outcome == Inbox.Outcome.ACCEPTED ? "accepted" : "duplicate, already accepted");
        answer(response, endpoint.ack(), route.ackBody());
    }

    private void handshake(HttpServletRequest request, HttpServletResponse response, WebhookRoutes.Target target) throws IOException {
        Acknowledgement answer;
        try {
            answer = target.route().verifier().handshake(new Request(target.account(), headers(request), request.getQueryString(), NO_BODY));
        } catch (NotificationRefusedException refused) {
            refuse(request, response, target, "handshake", refused,
                    Map.of("remoteAddress", String.valueOf(request.getRemoteAddr()), "handshake", true));
            return;
        }
        log.info("{} handshake answered", target.route().key());
        answer(response, answer, answer.body() == null ? null : answer.body().getBytes(StandardCharsets.UTF_8));
    }

    /** @param what {@code notification} or {@code handshake} */
    private void refuse(HttpServletRequest request, HttpServletResponse response, WebhookRoutes.Target target, String what,
                        NotificationRefusedException refused, Map<String, ?> detail) throws IOException {
        String who = target.account() == null ? target.route().key() : target.route().key() + "/" + target.account();
        audit.record("webhook.refused", "webhook", who, refused.getMessage(), detail);
        log.warn("Refused {} {} from {}: {}", who, what, request.getRemoteAddr(), refused.getMessage());
        fail(response, HttpServletResponse.SC_UNAUTHORIZED, what + " refused");
    }

    private static void answer(HttpServletResponse response, Acknowledgement ack, byte[] body) throws IOException {
        response.setStatus(ack.status());
        if (body != null) {
            response.setContentType(ack.contentType());
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }

    /** problem+json like every hub error, with the {@code code} and {@code message} members WeChat Pay reads. */
    private void fail(HttpServletResponse response, int status, String message) throws IOException {
        ProblemDetail problem = ProblemResponses.problem(HttpStatus.valueOf(status), message, List.of());
        problem.setProperty("code", "FAIL");
        problem.setProperty("message", message);
        ProblemResponses.write(response, json, problem, Map.of());
    }

    private String toJson(Object content) {
        try {
            return json.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot store notification", e);
        }
    }

    private static Map<String, String> headers(HttpServletRequest request) {
        Map<String, String> headers = new HashMap<>();
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            headers.put(name.toLowerCase(Locale.ROOT), request.getHeader(name));
        }
        return headers;
    }
}
