package io.crmhub.crm.finance;

import io.crmhub.crm.canonical.NotificationChannel;
import io.crmhub.crm.canonical.NotificationChannel.Notice;
import io.crmhub.crm.common.Money;
import io.crmhub.events.ClusterLease;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.CronTask;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.stereotype.Component;

/**
 * Finance's reminders (D50): a daily digest of the overdue invoices and open reviews, at most one per channel and day,
 * and an immediate alert for an overdue invoice or a review at or above {@code crmhub.reminders.alert-above}, once per
 * channel and subject. What was told is kept in {@code finance_notification}, claimed before the send (a unique row per
 * channel, kind and subject), so two instances or a retry never tell twice; a send that failed is tried again at the
 * next round, a digest only on its own day. No digest when there is nothing to tell. Runs on the instance holding the
 * {@code finance-reminders} lease.
 */
@Component
public class FinanceReminders implements SchedulingConfigurer {
    public static final String DIGEST = "DIGEST";
    public static final String ALERT = "ALERT";
    private static final int LISTED = 30;
    private static final Logger log = LoggerFactory.getLogger(FinanceReminders.class);

    private final List<NotificationChannel> channels;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final ClusterLease lease;
    private final ReminderProperties properties;

    FinanceReminders(List<NotificationChannel> channels, JdbcClient jdbc, Clock clock, ClusterLease lease, ReminderProperties properties) {
        this.channels = channels;
        this.jdbc = jdbc;
        this.clock = clock;
        this.lease = lease;
        this.properties = properties;
    }

    /** Per channel: SENT, FAILED, ALREADY_SENT or NOTHING_TO_TELL. */
    public record Outcome(Map<String, String> channels) {
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addCronTask(new CronTask(() -> whenLeader(this::digest), new CronTrigger(properties.digestCron(), properties.zone())));
        registrar.addFixedDelayTask(new FixedDelayTask(() -> whenLeader(this::alerts), properties.alertInterval(), properties.alertInterval()));
    }

    private void whenLeader(Runnable work) {
        if (!channels.isEmpty() && lease.acquireOrRenew("finance-reminders", Duration.ofMinutes(5))) {
            try {
                work.run();
            } catch (RuntimeException e) {
                log.warn("Finance reminders did not run: {}", e.getMessage());
            }
        }
    }

    private record Overdue(long id, String number, String currency, BigDecimal open, LocalDate due, Long orderId) {
    }

    private record OpenReview(long id, String kind, String currency, BigDecimal amount, String reason) {
    }

    /** Today's digest on every channel that has not had it (and has something to tell). */
    public Outcome digest() {
        LocalDate today = LocalDate.now(clock.withZone(properties.zone()));
        List<Overdue> overdue = overdue(null);
        List<OpenReview> reviews = openReviews(null);
        Map<String, String> outcome = new LinkedHashMap<>();
        for (NotificationChannel channel : channels) {
            if (overdue.isEmpty() && reviews.isEmpty()) {
                outcome.put(channel.name(), "NOTHING_TO_TELL");
                continue;
            }
            Notice notice = digestNotice(today, overdue, reviews);
            outcome.put(channel.name(), deliver(channel, DIGEST, "digest:" + today, notice, true));
        }
        return new Outcome(outcome);
    }

    /** Alerts for what crossed the threshold and no channel has been told yet: one message per channel and round. */
    public Outcome alerts() {
        BigDecimal above = properties.alertAbove();
        List<Overdue> overdue = overdue(above);
        List<OpenReview> reviews = openReviews(above);
        Map<String, String> outcome = new LinkedHashMap<>();
        for (NotificationChannel channel : channels) {
            List<String> lines = new ArrayList<>();
            List<String> subjects = new ArrayList<>();
            for (Overdue i : overdue) {
                if (!told(channel, ALERT, "invoice:" + i.id())) {
                    subjects.add("invoice:" + i.id());
                    lines.add(overdueLine(i, LocalDate.now(clock.withZone(properties.zone()))));
                }
            }
            for (OpenReview r : reviews) {
                if (!told(channel, ALERT, "review:" + r.id())) {
                    subjects.add("review:" + r.id());
                    lines.add(reviewLine(r));
                }
            }
            if (subjects.isEmpty()) {
                continue;
            }
            Notice notice = new Notice("Alert: " + subjects.size() + " item(s) of " + above.stripTrailingZeros().toPlainString()
                    + " or more need finance", lines);
            // each subject is claimed (and so told once); the message carries all of this round's
            List<String> claimed = subjects.stream().filter(s -> claim(channel, ALERT, s, notice.title())).toList();
            if (claimed.isEmpty()) {
                continue;
            }
            String result = send(channel, notice);
            claimed.forEach(s -> record(channel, ALERT, s, result));
            outcome.put(channel.name(), result.equals("SENT") ? "SENT" : "FAILED");
        }
        return new Outcome(outcome);
    }

    /** The notification log, newest first. */
    public List<Map<String, Object>> recent(int limit) {
        return jdbc.sql("""
                SELECT channel, kind, subject, status, title, attempts, last_error, created_at, sent_at FROM finance_notification
                ORDER BY id DESC LIMIT ?""").param(limit).query((rs, n) -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("channel", rs.getString(1));
                    row.put("kind", rs.getString(2));
                    row.put("subject", rs.getString(3));
                    row.put("status", rs.getString(4));
                    row.put("title", rs.getString(5));
                    row.put("attempts", rs.getInt(6));
                    row.put("lastError", rs.getString(7));
                    row.put("createdAt", FinanceViews.instant(rs, "created_at"));
                    row.put("sentAt", FinanceViews.instant(rs, "sent_at"));
                    return row;
                }).list();
    }

    // ---- delivery, at most once per channel, kind and subject ----

    private String deliver(NotificationChannel channel, String kind, String subject, Notice notice, boolean retryFailed) {
        if (!claim(channel, kind, subject, notice.title())) {
            String status = jdbc.sql("SELECT status FROM finance_notification WHERE channel = ? AND kind = ? AND subject = ?")
                    .params(channel.name(), kind, subject).query(String.class).single();
            if (!"FAILED".equals(status) || !retryFailed || jdbc.sql("""
                    UPDATE finance_notification SET status = 'SENDING', attempts = attempts + 1
                    WHERE channel = ? AND kind = ? AND subject = ? AND status = 'FAILED'""")
                    .params(channel.name(), kind, subject).update() == 0) {
                return "ALREADY_SENT";
            }
        }
        String result = send(channel, notice);
        record(channel, kind, subject, result);
        return result.equals("SENT") ? "SENT" : "FAILED";
    }

    /** Claims the subject for this channel; false when it was claimed before (told, being told, or failed). */
    private boolean claim(NotificationChannel channel, String kind, String subject, String title) {
        try {
            jdbc.sql("""
                    INSERT INTO finance_notification (channel, kind, subject, status, title, attempts, created_at)
                    VALUES (?, ?, ?, 'SENDING', ?, 1, ?)""")
                    .params(channel.name(), kind, subject, truncate(title, 300), Timestamp.from(clock.instant())).update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    private boolean told(NotificationChannel channel, String kind, String subject) {
        return jdbc.sql("SELECT COUNT(*) FROM finance_notification WHERE channel = ? AND kind = ? AND subject = ?")
                .params(channel.name(), kind, subject).query(Long.class).single() > 0;
    }

    /** SENT, or the reason it failed. */
    private String send(NotificationChannel channel, Notice notice) {
        try {
            channel.send(notice);
            log.info("Finance told on {}: {}", channel.name(), notice.title());
            return "SENT";
        } catch (RuntimeException e) {
            log.warn("Finance could not be told on {} ({}): {}", channel.name(), notice.title(), e.getMessage());
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    private void record(NotificationChannel channel, String kind, String subject, String result) {
        boolean sent = result.equals("SENT");
        jdbc.sql("""
                UPDATE finance_notification SET status = ?, last_error = ?, sent_at = ? WHERE channel = ? AND kind = ? AND subject = ?""")
                .params(sent ? "SENT" : "FAILED", sent ? null : truncate(result, 500), sent ? Timestamp.from(clock.instant()) : null,
                        channel.name(), kind, subject).update();
    }

    // ---- what there is to tell ----

    private List<Overdue> overdue(BigDecimal above) {
        return jdbc.sql("""
                SELECT id, invoice_number, currency, total_amount - paid_amount - credited_amount, due_date, order_id FROM invoice
                WHERE overdue = TRUE AND document_kind = 'INVOICE' AND status IN ('OPEN', 'PARTIALLY_PAID')
                  AND paid_amount + credited_amount < total_amount
                  AND (CAST(? AS NUMERIC(19, 4)) IS NULL OR total_amount - paid_amount - credited_amount >= ?)
                ORDER BY due_date, id""")
                .params(above, above)
                .query((rs, n) -> new Overdue(rs.getLong(1), rs.getString(2), rs.getString(3).trim(), rs.getBigDecimal(4),
                        rs.getDate(5).toLocalDate(), rs.getObject(6, Long.class)))
                .list();
    }

    private List<OpenReview> openReviews(BigDecimal above) {
        return jdbc.sql("""
                SELECT id, kind, currency, amount, reason FROM finance_review
                WHERE status = 'OPEN' AND (CAST(? AS NUMERIC(19, 4)) IS NULL OR amount >= ?) ORDER BY id""")
                .params(above, above)
                .query((rs, n) -> new OpenReview(rs.getLong(1), rs.getString(2), rs.getString(3) == null ? null : rs.getString(3).trim(),
                        rs.getBigDecimal(4), rs.getString(5)))
                .list();
    }

    private Notice digestNotice(LocalDate today, List<Overdue> overdue, List<OpenReview> reviews) {
        List<String> lines = new ArrayList<>();
        Map<String, BigDecimal> open = new java.util.TreeMap<>();
        overdue.forEach(i -> open.merge(i.currency(), i.open(), BigDecimal::add));
        if (!overdue.isEmpty()) {
            lines.add("Overdue invoices: " + overdue.size() + ", open " + open.entrySet().stream()
                    .map(e -> Money.round(e.getValue(), e.getKey()).toPlainString() + " " + e.getKey()).toList());
            overdue.stream().limit(LISTED).forEach(i -> lines.add("- " + overdueLine(i, today)));
        }
        if (!reviews.isEmpty()) {
            lines.add("Open reviews: " + reviews.size() + " (GET /api/finance/reviews?status=OPEN)");
            reviews.stream().limit(LISTED).forEach(r -> lines.add("- " + reviewLine(r)));
        }
        int left = Math.max(0, overdue.size() - LISTED) + Math.max(0, reviews.size() - LISTED);
        if (left > 0) {
            lines.add("… and " + left + " more");
        }
        return new Notice("Finance digest " + today + ": " + overdue.size() + " overdue invoice(s), " + reviews.size() + " open review(s)", lines);
    }

    private static String overdueLine(Overdue i, LocalDate today) {
        return "invoice " + i.number() + " open " + Money.round(i.open(), i.currency()).toPlainString() + " " + i.currency() + ", due "
                + i.due() + " (" + java.time.temporal.ChronoUnit.DAYS.between(i.due(), today) + " days)"
                + (i.orderId() == null ? "" : ", order " + i.orderId());
    }

    private static String reviewLine(OpenReview r) {
        String amount = r.amount() == null || r.currency() == null ? "" : " " + Money.round(r.amount(), r.currency()).toPlainString() + " " + r.currency();
        return "review " + r.id() + " " + r.kind() + amount + ": " + r.reason();
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
