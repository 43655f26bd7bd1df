package io.crmhub.crm.finance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.crm.canonical.PaymentGateway;
import io.crmhub.events.Inbox;
import io.crmhub.events.InboxWriter;
import io.crmhub.events.ClusterLease;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * For payments created but not reported back within {@code crmhub.payments.notification-grace}: asks the provider.
 * A paid one goes through the inbox as if notified (the flow records it once, whatever arrives later); an unpaid one
 * older than {@code crmhub.payments.expire-after} is closed at the provider and here, so its QR code no longer works.
 * Runs on one hub instance at a time (database lease).
 */
@Component
public class PaymentStatusCheck implements SchedulingConfigurer {
    public static final String CLOSED = "CLOSED";
    /** Where verified payment notifications (and what stands in for a missing one) are routed. */
    public static final String NOTIFIED = io.crmhub.crm.canonical.PaymentNotification.ADDRESS;
    private static final Logger log = LoggerFactory.getLogger(PaymentStatusCheck.class);

    private final JdbcClient jdbc;
    private final InboxWriter inbox;
    private final ClusterLease lease;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration grace;
    private final Duration expireAfter;
    private final Duration interval;
    private final PaymentGateways gateways;

    PaymentStatusCheck(JdbcClient jdbc, InboxWriter inbox, ClusterLease lease, ObjectMapper json, Clock clock,
                              PaymentGateways gateways,
                              PaymentCheckProperties properties) {
        this.jdbc = jdbc;
        this.inbox = inbox;
        this.lease = lease;
        this.json = json;
        this.clock = clock;
        this.grace = properties.notificationGrace();
        this.expireAfter = properties.expireAfter();
        this.interval = properties.checkInterval();
        this.gateways = gateways;
    }

    public record Outcome(int asked, int paid, int closed) {
    }

    private record Open(long id, String reference, String provider, Instant createdAt, String providerPaymentId) {
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::scheduled, interval, interval));
    }

    void scheduled() {
        if (lease.acquireOrRenew("payment-status-check", Duration.ofMinutes(5))) {
            check();
        }
    }

    public Outcome check() {
        Instant now = clock.instant();
        List<Open> open = jdbc.sql("""
                SELECT id, payment_reference, provider, created_at, provider_payment_id FROM payment
                WHERE status = ? AND created_at <= ? ORDER BY id LIMIT 200""")
                .params(PaymentService.CREATED, Timestamp.from(now.minus(grace)))
                .query((rs, n) -> new Open(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(), rs.getString(5)))
                .list();
        int paid = 0;
        int closed = 0;
        for (Open p : open) {
            String outcome = checkOne(p, now, true);
            paid += "PAID".equals(outcome) ? 1 : 0;
            closed += CLOSED.equals(outcome) ? 1 : 0;
        }
        return new Outcome(open.size(), paid, closed);
    }

    /**
     * Asks the provider about one open payment now (a reconciliation resync: the provider's statement lists it, the
     * CRM never heard): {@code PAID} when the provider says it is paid and the payment is recorded from its answer.
     */
    public String recheck(String reference) {
        return jdbc.sql("SELECT id, payment_reference, provider, created_at, provider_payment_id FROM payment WHERE payment_reference = ? AND status = ?")
                .params(reference, PaymentService.CREATED)
                .query((rs, n) -> new Open(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(), rs.getString(5)))
                .optional().map(p -> checkOne(p, clock.instant(), false)).orElse("UNKNOWN");
    }

    /**
     * PAID (recorded from the answer), CLOSED (closed as unpaid past {@code expireAfter}, when {@code mayClose}), or
     * what it still is. A recheck asked for by finance never closes a payment: it only looks.
     */
    private String checkOne(Open p, Instant now, boolean mayClose) {
        {
            PaymentGateway gateway = gateways.find(p.provider()).orElse(null);
            if (gateway == null) {
                return "UNKNOWN";
            }
            try {
                PaymentGateway.PaymentStatus status = gateway.query(p.reference(), p.providerPaymentId());
                if ("PAID".equals(status.state()) && status.notification() != null) {
                    var n = status.notification();
                    inbox.accept(new Inbox.Entry(n.provider(), n.eventId(), "TRANSACTION.SUCCESS", "payment", p.reference(),
                            toJson(n), NOTIFIED, null));
                    log.warn("Payment {} was paid at {} without a notification reaching us; recorded from the status query",
                            p.reference(), p.provider());
                    return "PAID";
                } else if (mayClose && ("CLOSED".equals(status.state()) || ("UNPAID".equals(status.state())
                        && p.createdAt().isBefore(now.minus(expireAfter))))) {
                    if (!"CLOSED".equals(status.state())) {
                        gateway.close(p.reference(), p.providerPaymentId());
                    }
                    jdbc.sql("UPDATE payment SET status = ?, updated_at = ? WHERE id = ? AND status = ?")
                            .params(CLOSED, Timestamp.from(now), p.id(), PaymentService.CREATED).update();
                    log.info("Payment {} closed: unpaid after {}", p.reference(), expireAfter);
                    return CLOSED;
                }
                return status.state();
            } catch (RuntimeException e) {
                log.warn("Could not check payment {} at {}: {}", p.reference(), p.provider(), e.getMessage());
                return "UNKNOWN";
            }
        }
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
