package io.crmhub.crm.finance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.crm.common.AuditTrail;
import io.crmhub.crm.common.ConflictException;
import io.crmhub.crm.common.InvalidFieldException;
import io.crmhub.crm.common.Money;
import io.crmhub.crm.common.NotFoundException;
import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The finance review queue (D48): what needs a finance decision, one item per subject, opened where the hub finds it —
 * an over-payment, a payment in another currency than its order's, a refund made in a provider's console, a payment
 * for an order the CRM does not know — and closed by one audited action: refund the excess through the provider, keep
 * it as the customer's credit, allocate it to another order, accept, or dismiss with a reason. Each action changes the
 * CRM's records through the same services as any payment or refund, so the ERP learns of it through the normal flows
 * (a refund posting; a held receipt released).
 */
@Component
public class FinanceReviews {
    public static final String OPEN = "OPEN";
    public static final String RESOLVED = "RESOLVED";
    public static final String DISMISSED = "DISMISSED";
    public static final String AUDIT_ACTION = "finance.review";
    private static final Logger log = LoggerFactory.getLogger(FinanceReviews.class);

    /** What a review is about, and which actions settle it. */
    public enum Kind {
        OVER_PAYMENT(Action.REFUND, Action.CREDIT, Action.ALLOCATE, Action.ACCEPT, Action.DISMISS),
        CURRENCY_MISMATCH(Action.REFUND, Action.DISMISS),
        PROVIDER_REFUND(Action.ACCEPT, Action.DISMISS),
        UNKNOWN_ORDER(Action.ALLOCATE, Action.DISMISS),
        /** A difference three-way reconciliation found between the CRM, a provider's statement and the ERP (D49). */
        RECONCILIATION(Action.RESYNC, Action.ACCEPT, Action.DISMISS);

        final List<Action> actions;

        Kind(Action... actions) {
            this.actions = List.of(actions);
        }
    }

    public enum Action { REFUND, CREDIT, ALLOCATE, ACCEPT, DISMISS, RESYNC }

    public record ReviewView(long id, String kind, String status, Long paymentId, String paymentReference, Long orderId,
                             String orderNumber, String provider, String currency, BigDecimal amount, String reason,
                             List<String> actions, String resolution, String resolutionNote, String resolvedBy,
                             Instant resolvedAt, Instant createdAt) {
        static final String COLUMNS = """
                r.id, r.kind, r.status, r.payment_id, p.payment_reference, r.order_id, o.order_number, r.provider, r.currency,
                r.amount, r.reason, r.resolution, r.resolution_note, r.resolved_by, r.resolved_at, r.created_at""";
        static final String FROM = " FROM finance_review r LEFT JOIN payment p ON p.id = r.payment_id LEFT JOIN sales_order o ON o.id = r.order_id";
        static final RowMapper<ReviewView> ROW = (rs, n) -> {
            String currency = rs.getString("currency") == null ? null : rs.getString("currency").trim();
            Kind kind = Kind.valueOf(rs.getString("kind"));
            boolean open = OPEN.equals(rs.getString("status"));
            return new ReviewView(rs.getLong("id"), kind.name(), rs.getString("status"), rs.getObject("payment_id", Long.class),
                    rs.getString("payment_reference"), rs.getObject("order_id", Long.class), rs.getString("order_number"),
                    rs.getString("provider"), currency, Money.presented(rs.getBigDecimal("amount"), currency), rs.getString("reason"),
                    open ? kind.actions.stream().map(a -> a.name().toLowerCase()).toList() : List.of(),
                    rs.getString("resolution"), rs.getString("resolution_note"), rs.getString("resolved_by"),
                    FinanceViews.instant(rs, "resolved_at"), FinanceViews.instant(rs, "created_at"));
        };
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final TransactionTemplate detached;
    private final AuditTrail audit;
    private final ObjectMapper json;

    FinanceReviews(JdbcClient jdbc, Clock clock, TransactionTemplate tx, AuditTrail audit, ObjectMapper json) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.tx = tx;
        this.detached = new TransactionTemplate(tx.getTransactionManager());
        this.detached.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.audit = audit;
        this.json = json;
    }

    // ---- opening ----

    /** Opens a review of a recorded payment, in the caller's transaction; a subject already under review is left as it is. */
    void openForPayment(Kind kind, long paymentId, long orderId, String provider, String currency, BigDecimal amount, String reason) {
        insert(kind, kind.name().toLowerCase() + ":payment:" + paymentId, paymentId, orderId, provider, currency, amount, reason, null);
    }

    /**
     * Opens a review of a verified payment notification for no known order, in a transaction of its own: the
     * notification's own transaction rolls back (it is parked for an engineer), the review must stay.
     */
    void openForUnknownOrder(PaymentNotification n, String reason) {
        String payload;
        try {
            payload = json.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        detached.executeWithoutResult(s -> insert(Kind.UNKNOWN_ORDER, "unknown_order:" + n.provider() + ":" + n.providerTransactionId(), null,
                null, n.provider(), n.currency(), n.amount(), reason, payload));
    }

    /**
     * Opens a review of a reconciliation mismatch, in the caller's transaction: one per provider, day, kind and reference
     * (a re-run finds the same difference, it does not open it again).
     */
    void openForReconciliation(String provider, java.time.LocalDate day, StatementReconciliation.Mismatch m) {
        Long paymentId = null;
        Long orderId = null;
        if (m.crmId() != null) {
            String sql = m.entity().equals("PAYMENT") ? "SELECT id, order_id FROM payment WHERE id = ?"
                    : "SELECT p.id, p.order_id FROM refund r JOIN payment p ON p.id = r.payment_id WHERE r.id = ?";
            var ids = jdbc.sql(sql).param(m.crmId()).query((rs, n) -> new long[]{rs.getLong(1), rs.getLong(2)}).optional();
            if (ids.isPresent()) {
                paymentId = ids.get()[0];
                orderId = ids.get()[1];
            }
        }
        String reason = m.kind() + " " + m.entity().toLowerCase() + " " + m.reference() + " on " + provider + "'s statement of " + day
                + ": CRM " + m.crmValue() + ", statement " + m.providerValue() + (m.erpValue() == null ? "" : ", ERP " + m.erpValue());
        insert(Kind.RECONCILIATION, "reconciliation:" + provider + ":" + day + ":" + m.kind() + ":" + m.entity() + ":" + m.reference(),
                paymentId, orderId, provider, null, null, reason,
                String.join("|", m.kind(), m.entity(), m.crmId() == null ? "" : String.valueOf(m.crmId()), m.reference(), day.toString()));
    }

    private void insert(Kind kind, String subject, Long paymentId, Long orderId, String provider, String currency, BigDecimal amount,
                        String reason, String payload) {
        if (jdbc.sql("SELECT COUNT(*) FROM finance_review WHERE subject = ?").param(subject).query(Long.class).single() > 0) {
            return;
        }
        try {
            jdbc.sql("""
                    INSERT INTO finance_review (kind, subject, status, payment_id, order_id, provider, currency, amount, reason, payload,
                                                created_at, version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)""")
                    .params(kind.name(), subject, OPEN, paymentId, orderId, provider, currency, amount, truncate(reason, 500), payload,
                            Timestamp.from(clock.instant()))
                    .update();
            log.info("Finance review opened: {} {} ({} {}): {}", kind, subject, amount == null ? "" : amount.toPlainString(),
                    currency == null ? "" : currency, reason);
        } catch (DuplicateKeyException raced) {
            // another instance opened it first: one review per subject
        }
    }

    // ---- reading ----

    public PageView<ReviewView> page(String status, String kind, PageRequest page) {
        String where = " WHERE (CAST(? AS VARCHAR(16)) IS NULL OR r.status = ?) AND (CAST(? AS VARCHAR(32)) IS NULL OR r.kind = ?)";
        List<Object> params = Arrays.asList(status, status, kind, kind);
        List<Object> paged = new java.util.ArrayList<>(params);
        paged.add(page.sizeOrDefault());
        paged.add(page.offset());
        return new PageView<>(jdbc.sql("SELECT " + ReviewView.COLUMNS + ReviewView.FROM + where + " ORDER BY r.id LIMIT ? OFFSET ?")
                .params(paged).query(ReviewView.ROW).list(), page.pageOrDefault(), page.sizeOrDefault(),
                jdbc.sql("SELECT COUNT(*) FROM finance_review r" + where).params(params).query(Long.class).single());
    }

    public ReviewView get(long id) {
        return jdbc.sql("SELECT " + ReviewView.COLUMNS + ReviewView.FROM + " WHERE r.id = ?").param(id).query(ReviewView.ROW)
                .optional().orElseThrow(() -> new NotFoundException("review", id));
    }

    // ---- acting ----

    record Review(long id, Kind kind, String status, Long paymentId, Long orderId, String currency, BigDecimal amount, String payload) {
    }

    /** The review, locked, if it is still open and takes {@code action}; else 409 naming why. */
    Review requireOpen(long id, Action action) {
        Review r = jdbc.sql("SELECT id, kind, status, payment_id, order_id, currency, amount, payload FROM finance_review WHERE id = ? FOR UPDATE")
                .param(id)
                .query((rs, n) -> new Review(rs.getLong(1), Kind.valueOf(rs.getString(2)), rs.getString(3), rs.getObject(4, Long.class),
                        rs.getObject(5, Long.class), rs.getString(6) == null ? null : rs.getString(6).trim(), rs.getBigDecimal(7),
                        rs.getString(8)))
                .optional().orElseThrow(() -> new NotFoundException("review", id));
        if (!OPEN.equals(r.status())) {
            throw new ConflictException("status", "review " + id + " is " + r.status() + "; only OPEN reviews take an action", null);
        }
        if (!r.kind().actions.contains(action)) {
            throw new ConflictException("action", "a " + r.kind() + " review takes " + r.kind().actions.stream()
                    .map(a -> a.name().toLowerCase()).toList() + ", not " + action.name().toLowerCase(), null);
        }
        return r;
    }

    /** Closes the review and audits the action, in the caller's transaction. */
    void close(Review r, Action action, String status, String resolution, String note, String reason, Map<String, ?> detail) {
        jdbc.sql("""
                UPDATE finance_review SET status = ?, resolution = ?, resolution_note = ?, resolved_by = ?, resolved_at = ?,
                       version = version + 1 WHERE id = ? AND status = ?""")
                .params(status, resolution, truncate(note == null ? reason : note, 500), FinanceActor.name(),
                        Timestamp.from(clock.instant()), r.id(), OPEN)
                .update();
        Map<String, Object> audited = new LinkedHashMap<>();
        audited.put("kind", r.kind().name());
        audited.put("action", action.name().toLowerCase());
        audited.put("resolution", resolution);
        audited.putAll(detail);
        audit.record(AUDIT_ACTION, "review", String.valueOf(r.id()), reason, audited);
        log.info("Finance review {} ({}) {}: {}", r.id(), r.kind(), resolution, reason);
    }

    /**
     * Records a partial action (an allocation that took only part of the excess): audited, the review stays OPEN with
     * what is still to decide as its amount.
     */
    void progress(Review r, Action action, BigDecimal left, String note, String reason, Map<String, ?> detail) {
        jdbc.sql("UPDATE finance_review SET amount = ?, resolution_note = ?, version = version + 1 WHERE id = ? AND status = ?")
                .params(left, truncate(note, 500), r.id(), OPEN).update();
        Map<String, Object> audited = new LinkedHashMap<>();
        audited.put("kind", r.kind().name());
        audited.put("action", action.name().toLowerCase());
        audited.put("left", left.toPlainString());
        audited.putAll(detail);
        audit.record(AUDIT_ACTION, "review", String.valueOf(r.id()), reason, audited);
        log.info("Finance review {} ({}): {}", r.id(), r.kind(), note);
    }

    PaymentNotification notification(Review r) {
        try {
            return json.readValue(r.payload(), PaymentNotification.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("review " + r.id() + " has no readable notification", e);
        }
    }

    TransactionTemplate tx() {
        return tx;
    }

    static String requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new InvalidFieldException("reason", "is required: say why");
        }
        return reason.strip();
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
