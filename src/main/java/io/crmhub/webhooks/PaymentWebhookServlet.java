package io.crmhub.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.api.RequestSizeLimitFilter;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.events.Correlation;
import io.crmhub.events.Inbox;
import io.crmhub.events.InboxWriter;
import io.crmhub.ops.audit.AuditLog;
import io.crmhub.routing.NotificationRefusedException;
import io.crmhub.routing.NotificationVerifier;
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
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * {@code POST /webhooks/payments/{provider}}: the provider's signature is the authentication. Verify on the raw
 * bytes, store once in the inbox (with the event that routes it to {@code crm.payment.notified}), answer with the
 * provider's exact acknowledgement; processing happens asynchronously in the payment flow. Refusals are 401,
 * audited, and have no effect.
 *
 * <p>A plain servlet beside Spring MVC's dispatcher, and outside Spring Security (no user, session or browser on this
 * path): this is the hub's hottest endpoint, and the dispatcher's handler lookup, argument resolution and return
 * value handling cost more than the signature check (decision D28, BENCHMARKS.md). The servlet filters still apply:
 * correlation id, body size limit, HTTP metrics.
 */
final class PaymentWebhookServlet extends HttpServlet {
    static final String DESTINATION = io.crmhub.crm.finance.PaymentStatusCheck.NOTIFIED;
    private static final Logger log = LoggerFactory.getLogger(PaymentWebhookServlet.class);

    private final transient Map<String, NotificationVerifier<PaymentNotification>> verifiers;
    private final transient InboxWriter inbox;
    private final transient AuditLog audit;
    private final transient ObjectMapper json;

    PaymentWebhookServlet(List<NotificationVerifier<PaymentNotification>> verifiers, InboxWriter inbox, AuditLog audit, ObjectMapper json) {
        this.verifiers = verifiers.stream().collect(Collectors.toMap(NotificationVerifier::provider, Function.identity()));
        this.inbox = inbox;
        this.audit = audit;
        this.json = json;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // the HTTP metrics name the endpoint as Spring MVC would (uri="/webhooks/payments/{provider}"), not UNKNOWN
        ServerHttpObservationFilter.findObservationContext(request)
                .ifPresent(context -> context.setPathPattern(PaymentWebhookConfiguration.PATH));
        String provider = provider(request);
        NotificationVerifier<PaymentNotification> verifier = provider == null ? null : verifiers.get(provider);
        if (verifier == null) {
            fail(response, HttpServletResponse.SC_NOT_FOUND, "no payment connector '" + (provider == null ? "" : provider) + "' is configured");
            return;
        }
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
        NotificationVerifier.Verified<PaymentNotification> verified;
        try {
            verified = verifier.verify(headers(request), body);
        } catch (NotificationRefusedException refused) {
            audit.record("webhook.refused", "webhook", "payments/" + provider, refused.getMessage(),
                    Map.of("remoteAddress", String.valueOf(request.getRemoteAddr()), "bytes", body.length));
            log.warn("Refused {} payment notification from {}: {}", provider, request.getRemoteAddr(), refused.getMessage());
            fail(response, HttpServletResponse.SC_UNAUTHORIZED, "notification refused");
            return;
        }
        Inbox.Outcome outcome;
        try {
            outcome = inbox.accept(new Inbox.Entry(provider, verified.eventId(), verified.eventType(), "payment",
                    verified.businessKey(), toJson(verified.content()), DESTINATION, Correlation.currentOrNew()));
        } catch (InboxWriter.InboxUnavailableException e) {
            log.warn("Could not store {} payment notification {}: {}; not acknowledged, the provider will re-send", provider,
                    verified.eventId(), e.getMessage());
            response.setHeader(HttpHeaders.RETRY_AFTER, "5");
            fail(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "temporarily unable to store the notification");
            return;
        }
        log.info("{} payment notification {} ({}) for {}: {}", provider, verified.eventId(), verified.eventType(),
                verified.businessKey(), outcome == Inbox.Outcome.ACCEPTED ? "accepted" : "duplicate, already accepted");
        NotificationVerifier.Acknowledgement ack = verifier.acknowledgement();
        response.setStatus(ack.status());
        if (ack.body() != null) {
            byte[] bytes = ack.body().getBytes(StandardCharsets.UTF_8);
            response.setContentType(ack.contentType());
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        }
    }

    /** The single path segment after {@code /webhooks/payments/}; null when there is none or more than one. */
    private static String provider(HttpServletRequest request) {
        String path = request.getPathInfo();
        if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            return null;
        }
        return path.substring(1);
    }

    private void fail(HttpServletResponse response, int status, String message) throws IOException {
        byte[] bytes = json.writeValueAsBytes(Map.of("code", "FAIL", "message", message));
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
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
