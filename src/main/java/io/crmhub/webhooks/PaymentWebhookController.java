package io.crmhub.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.events.Correlation;
import io.crmhub.events.Inbox;
import io.crmhub.events.InboxWriter;
import io.crmhub.ops.audit.AuditLog;
import io.crmhub.routing.NotificationRefusedException;
import io.crmhub.routing.NotificationVerifier;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /webhooks/payments/{provider}}: the provider's signature is the authentication. Verify on the raw
 * bytes, store once in the inbox (with the event that routes it to {@code crm.payment.notified}), answer with the
 * provider's exact acknowledgement; processing happens asynchronously in the payment flow. Refusals are 401,
 * audited, and have no effect.
 */
@RestController
@RequestMapping("/webhooks/payments")
@Tag(name = "Webhooks: payments", description = "Provider notifications (signed; no user authentication)")
class PaymentWebhookController {
    static final String DESTINATION = io.crmhub.crm.finance.PaymentStatusCheck.NOTIFIED;
    private static final Logger log = LoggerFactory.getLogger(PaymentWebhookController.class);

    private final Map<String, NotificationVerifier<PaymentNotification>> verifiers;
    private final InboxWriter inbox;
    private final AuditLog audit;
    private final ObjectMapper json;

    PaymentWebhookController(List<NotificationVerifier<PaymentNotification>> verifiers, InboxWriter inbox, AuditLog audit, ObjectMapper json) {
        this.verifiers = verifiers.stream().collect(Collectors.toMap(NotificationVerifier::provider, Function.identity()));
        this.inbox = inbox;
        this.audit = audit;
        this.json = json;
    }

    @PostMapping(path = "/{provider}", consumes = MediaType.ALL_VALUE)
    @Operation(summary = "A payment provider's notification; answered with the provider's acknowledgement")
    ResponseEntity<?> receive(@PathVariable String provider, @RequestBody(required = false) byte[] body, HttpServletRequest request) {
        NotificationVerifier<PaymentNotification> verifier = verifiers.get(provider);
        if (verifier == null) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("code", "FAIL", "message", "no payment connector '" + provider + "' is configured"));
        }
        NotificationVerifier.Verified<PaymentNotification> verified;
        try {
            verified = verifier.verify(headers(request), body == null ? new byte[0] : body);
        } catch (NotificationRefusedException refused) {
            audit.record("webhook.refused", "webhook", "payments/" + provider, refused.getMessage(),
                    Map.of("remoteAddress", String.valueOf(request.getRemoteAddr()), "bytes", body == null ? 0 : body.length));
            log.warn("Refused {} payment notification from {}: {}", provider, request.getRemoteAddr(), refused.getMessage());
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("code", "FAIL", "message", "notification refused"));
        }
        Inbox.Outcome outcome;
        try {
            outcome = inbox.accept(new Inbox.Entry(provider, verified.eventId(), verified.eventType(), "payment",
                    verified.businessKey(), verified.content(), toJson(verified.content()), DESTINATION, Correlation.currentOrNew()));
        } catch (InboxWriter.InboxUnavailableException e) {
            log.warn("Could not store {} payment notification {}: {}; not acknowledged, the provider will re-send", provider,
                    verified.eventId(), e.getMessage());
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_JSON)
                    .header(org.springframework.http.HttpHeaders.RETRY_AFTER, "5")
                    .body(Map.of("code", "FAIL", "message", "temporarily unable to store the notification"));
        }
        log.info("{} payment notification {} ({}) for {}: {}", provider, verified.eventId(), verified.eventType(),
                verified.businessKey(), outcome == Inbox.Outcome.ACCEPTED ? "accepted" : "duplicate, already accepted");
        NotificationVerifier.Acknowledgement ack = verifier.acknowledgement();
        ResponseEntity.BodyBuilder response = ResponseEntity.status(ack.status())
                .header(Correlation.HTTP_HEADER, Correlation.currentOrNew());
        if (ack.body() == null) {
            return response.build();
        }
        return response.contentType(MediaType.parseMediaType(ack.contentType()))
                .body(ack.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), request.getHeader(name));
        }
        return headers;
    }
}
