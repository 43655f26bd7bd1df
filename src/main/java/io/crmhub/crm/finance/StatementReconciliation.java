package io.crmhub.crm.finance;

import io.crmhub.crm.canonical.CanonicalPayment;
import io.crmhub.crm.canonical.ErpSnapshot;
import io.crmhub.crm.canonical.PaymentStatementSource;
import io.crmhub.crm.canonical.PaymentStatementSource.Kind;
import io.crmhub.crm.canonical.PaymentStatementSource.Row;
import io.crmhub.crm.common.InvalidFieldException;
import io.crmhub.crm.common.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Three-way reconciliation of one provider's day (D49): the provider's statement (fetched through its connector and
 * stored), the CRM's payments and refunds of that day, and the ERP's postings of them, matched by our references (or
 * the provider's ids) to the cent. Finds, each once: a CRM payment or refund the provider does not list
 * ({@code MISSING_AT_PROVIDER}: looked for on the neighbouring days' statements too, since a refund is on the day it
 * was accepted), a statement row the CRM does not have ({@code ONLY_AT_PROVIDER}), amounts that differ
 * ({@code AMOUNT_MISMATCH}), a payment's fee that is not the contracted rate ({@code FEE_MISMATCH}, where the rate is
 * configured), and a matched payment or refund without its ERP posting ({@code MISSING_IN_ERP}) or with another amount
 * there ({@code ERP_AMOUNT_MISMATCH}). Each mismatch is also opened as a finance review ({@code RECONCILIATION}).
 */
@Component
public class StatementReconciliation implements org.springframework.scheduling.annotation.SchedulingConfigurer {
    private static final Logger log = LoggerFactory.getLogger(StatementReconciliation.class);

    private final Map<String, PaymentStatementSource> sources = new TreeMap<>();
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Optional<ErpSnapshot> erp;
    private final FinanceReviews reviews;
    private final TransactionTemplate tx;
    private final org.springframework.jdbc.core.JdbcTemplate batch;
    private final io.crmhub.events.ClusterLease lease;
    private final StatementProperties properties;

    StatementReconciliation(List<PaymentStatementSource> sources, JdbcClient jdbc, Clock clock, Optional<ErpSnapshot> erp,
                            FinanceReviews reviews, TransactionTemplate tx, org.springframework.jdbc.core.JdbcTemplate batch,
                            io.crmhub.events.ClusterLease lease, StatementProperties properties) {
        this.batch = batch;
        this.lease = lease;
        this.properties = properties;
        sources.forEach(s -> this.sources.put(s.provider(), s));
        this.jdbc = jdbc;
        this.clock = clock;
        this.erp = erp;
        this.reviews = reviews;
        this.tx = tx;
    }

    /** One side's count and sums: payments, refunds and (the provider's side) fees. */
    public record Side(int payments, BigDecimal paymentSum, int refunds, BigDecimal refundSum, BigDecimal fees) {
    }

    /**
     * @param reference  our payment or refund reference
     * @param crmValue, providerValue, erpValue what each side holds ("absent" where it holds nothing)
     */
    public record Mismatch(String kind, String entity, String reference, Long crmId, String crmValue, String providerValue,
                           String erpValue) {
    }

    /**
     * @param net what the provider settles for the day: payments − refunds − fees (per currency where there are several,
     *            here in the statement's one currency)
     */
    public record Report(String provider, LocalDate day, String currency, Side crm, Side statement, Side erp, BigDecimal net,
                         List<Mismatch> mismatches) {
    }

    @Override
    public void configureTasks(org.springframework.scheduling.config.ScheduledTaskRegistrar registrar) {
        registrar.addCronTask(new org.springframework.scheduling.config.CronTask(this::daily,
                new org.springframework.scheduling.support.CronTrigger(properties.cron(), properties.zone())));
    }

    /** Yesterday of every provider, on one instance; a statement not ready yet is tried at the next run. */
    void daily() {
        if (sources.isEmpty() || !lease.acquireOrRenew("statement-reconciliation", java.time.Duration.ofMinutes(30))) {
            return;
        }
        for (PaymentStatementSource source : sources.values()) {
            LocalDate yesterday = LocalDate.now(clock.withZone(source.zone())).minusDays(1);
            // yesterday, and the two days before if their statement was not fetched (not ready then, the provider down)
            for (LocalDate day = yesterday.minusDays(2); !day.isAfter(yesterday); day = day.plusDays(1)) {
                if (day.equals(yesterday) || stored(source.provider(), day).isEmpty()) {
                    try {
                        reconcile(source.provider(), day);
                    } catch (RuntimeException e) {
                        log.warn("Reconciliation of {}'s statement of {} did not run; the next daily run tries again: {}",
                                source.provider(), day, e.getMessage());
                    }
                }
            }
        }
    }

    /** The report of a statement already fetched (no provider call), if there is one. */
    public Optional<Report> stored(String provider, LocalDate day) {
        PaymentStatementSource source = source(provider);
        return jdbc.sql("SELECT fee_rate FROM provider_statement WHERE provider = ? AND statement_date = ?")
                .params(provider, Date.valueOf(day))
                .query((rs, n) -> java.util.Optional.ofNullable(rs.getBigDecimal(1))).optional()
                .map(rate -> match(source, day, rate.orElse(null)));
    }

    public List<String> providers() {
        return List.copyOf(sources.keySet());
    }

    PaymentStatementSource source(String provider) {
        PaymentStatementSource source = sources.get(provider);
        if (source == null) {
            throw new InvalidFieldException("provider", "no payment connector '" + provider + "' with statements is configured"
                    + (sources.isEmpty() ? "" : "; configured: " + sources.keySet()));
        }
        return source;
    }

    /** Fetches the provider's statement of {@code day}, stores it (replacing an earlier fetch), and reconciles. */
    public Report reconcile(String provider, LocalDate day) {
        PaymentStatementSource source = source(provider);
        LocalDate today = LocalDate.now(clock.withZone(source.zone()));
        if (day.isAfter(today)) {
            throw new InvalidFieldException("date", "must not be after today in " + source.zone() + " (providers state a day once it is over)");
        }
        PaymentStatementSource.Statement statement = source.statement(day); // outside the transaction: a provider call
        store(statement);
        Report report = match(source, day, statement.feeRate());
        tx.executeWithoutResult(s -> report.mismatches().forEach(m -> reviews.openForReconciliation(provider, day, m)));
        log.info("Reconciled {} of {}: provider {} payments {} refunds, CRM {} / {}, ERP {} / {}; {} mismatch(es)", provider, day,
                report.statement().payments(), report.statement().refunds(), report.crm().payments(), report.crm().refunds(),
                report.erp().payments(), report.erp().refunds(), report.mismatches().size());
        return report;
    }

    private void store(PaymentStatementSource.Statement statement) {
        tx.executeWithoutResult(s -> {
            Date day = Date.valueOf(statement.day());
            jdbc.sql("DELETE FROM provider_statement_row WHERE provider = ? AND statement_date = ?").params(statement.provider(), day).update();
            jdbc.sql("DELETE FROM provider_statement WHERE provider = ? AND statement_date = ?").params(statement.provider(), day).update();
            jdbc.sql("INSERT INTO provider_statement (provider, statement_date, fetched_at, row_count, fee_rate) VALUES (?, ?, ?, ?, ?)")
                    .params(statement.provider(), day, Timestamp.from(clock.instant()), statement.rows().size(), statement.feeRate()).update();
            List<Object[]> lines = new ArrayList<>();
            int no = 1;
            for (Row r : statement.rows()) {
                lines.add(new Object[]{statement.provider(), day, no++, r.kind().name(), r.reference(), r.providerId(), r.paymentReference(),
                        r.amount(), r.fee(), r.currency(), Timestamp.from(r.at())});
            }
            batch.batchUpdate("""
                    INSERT INTO provider_statement_row (provider, statement_date, line_no, kind, reference, provider_id, payment_reference,
                                                        amount, fee, currency, occurred_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", lines);
        });
    }

    private record Crm(long id, String entity, String reference, String providerId, BigDecimal amount, String currency, boolean held) {
    }

    private record Stored(String kind, String reference, String providerId, BigDecimal amount, BigDecimal fee, String currency) {
    }

    /** Matches the stored statement of {@code day} with the CRM and the ERP. */
    Report match(PaymentStatementSource source, LocalDate day, BigDecimal feeRate) {
        String provider = source.provider();
        ZoneId zone = source.zone();
        Timestamp from = Timestamp.from(day.atStartOfDay(zone).toInstant());
        Timestamp to = Timestamp.from(day.plusDays(1).atStartOfDay(zone).toInstant());
        List<Stored> rows = jdbc.sql("""
                SELECT kind, reference, provider_id, amount, fee, currency FROM provider_statement_row
                WHERE provider = ? AND statement_date = ? ORDER BY line_no""").params(provider, Date.valueOf(day))
                .query((rs, n) -> new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4), rs.getBigDecimal(5),
                        rs.getString(6).trim())).list();
        List<Crm> crm = new ArrayList<>(jdbc.sql("""
                SELECT id, payment_reference, provider_txn_id, amount, currency, status FROM payment
                WHERE provider = ? AND provider_txn_id IS NOT NULL AND paid_at >= ? AND paid_at < ? ORDER BY id""")
                .params(provider, from, to)
                .query((rs, n) -> new Crm(rs.getLong(1), "PAYMENT", rs.getString(2), rs.getString(3), rs.getBigDecimal(4),
                        rs.getString(5).trim(), "NEEDS_REVIEW".equals(rs.getString(6)))).list());
        crm.addAll(jdbc.sql("""
                SELECT r.id, r.refund_reference, r.provider_refund_id, r.amount, r.currency FROM refund r JOIN payment p ON p.id = r.payment_id
                WHERE p.provider = ? AND r.status = 'SUCCEEDED' AND r.created_at >= ? AND r.created_at < ? ORDER BY r.id""")
                .params(provider, from, to)
                .query((rs, n) -> new Crm(rs.getLong(1), "REFUND", rs.getString(2), rs.getString(3), rs.getBigDecimal(4),
                        rs.getString(5).trim(), false)).list());

        Map<String, Stored> byReference = new HashMap<>();
        Map<String, Stored> byProviderId = new HashMap<>();
        for (Stored r : rows) {
            byReference.put(r.kind() + ":" + r.reference(), r);
            if (r.providerId() != null && !r.providerId().isBlank()) {
                byProviderId.put(r.kind() + ":" + r.providerId(), r);
            }
        }
        Map<String, ErpSnapshot.Record> postings = new HashMap<>();
        erp.ifPresent(snapshot -> snapshot.payments(day.minusDays(1), day.plusDays(1)).forEach(p -> postings.put(p.reference(), p)));

        List<Mismatch> out = new ArrayList<>();
        java.util.Set<Stored> matched = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int crmPayments = 0;
        int crmRefunds = 0;
        BigDecimal crmPaymentSum = BigDecimal.ZERO;
        BigDecimal crmRefundSum = BigDecimal.ZERO;
        int erpPayments = 0;
        int erpRefunds = 0;
        BigDecimal erpPaymentSum = BigDecimal.ZERO;
        BigDecimal erpRefundSum = BigDecimal.ZERO;
        for (Crm c : crm) {
            boolean payment = c.entity().equals("PAYMENT");
            if (payment) {
                crmPayments++;
                crmPaymentSum = crmPaymentSum.add(c.amount());
            } else {
                crmRefunds++;
                crmRefundSum = crmRefundSum.add(c.amount());
            }
            Stored row = byReference.get(c.entity() + ":" + c.reference());
            if (row == null && c.providerId() != null) {
                row = byProviderId.get(c.entity() + ":" + c.providerId());
            }
            String amount = money(c.amount(), c.currency());
            if (row == null) {
                if (!onNeighbouringDay(provider, day, c)) {
                    out.add(new Mismatch("MISSING_AT_PROVIDER", c.entity(), c.reference(), c.id(), amount, "absent", null));
                }
            } else {
                matched.add(row);
                if (!row.currency().equals(c.currency()) || Money.round(row.amount(), c.currency()).compareTo(Money.round(c.amount(), c.currency())) != 0) {
                    out.add(new Mismatch("AMOUNT_MISMATCH", c.entity(), c.reference(), c.id(), amount, money(row.amount(), row.currency()), null));
                }
                if (payment && feeRate != null) {
                    BigDecimal expected = c.amount().multiply(feeRate).setScale(Money.round(BigDecimal.ZERO, c.currency()).scale(), RoundingMode.HALF_UP);
                    BigDecimal stated = Money.round(row.fee(), c.currency());
                    if (stated.compareTo(expected) != 0) {
                        out.add(new Mismatch("FEE_MISMATCH", c.entity(), c.reference(), c.id(), "fee " + money(expected, c.currency())
                                + " at " + feeRate.stripTrailingZeros().toPlainString(), "fee " + money(stated, row.currency()), null));
                    }
                }
            }
            String posting = payment ? CanonicalPayment.receiptReference(c.id()) : CanonicalPayment.refundReference(c.id());
            ErpSnapshot.Record p = postings.get(posting);
            if (erp.isPresent()) {
                if (p == null) {
                    if (!c.held()) {
                        out.add(new Mismatch("MISSING_IN_ERP", c.entity(), c.reference(), c.id(), amount, row == null ? "absent"
                                : money(row.amount(), row.currency()), "absent"));
                    }
                } else {
                    if (payment) {
                        erpPayments++;
                        erpPaymentSum = erpPaymentSum.add(p.amount());
                    } else {
                        erpRefunds++;
                        erpRefundSum = erpRefundSum.add(p.amount());
                    }
                    if (!p.currency().equals(c.currency()) || Money.round(p.amount(), c.currency()).compareTo(Money.round(c.amount(), c.currency())) != 0) {
                        out.add(new Mismatch("ERP_AMOUNT_MISMATCH", c.entity(), c.reference(), c.id(), amount, null, money(p.amount(), p.currency())));
                    }
                }
            }
        }
        int statementPayments = 0;
        int statementRefunds = 0;
        BigDecimal paid = BigDecimal.ZERO;
        BigDecimal refunded = BigDecimal.ZERO;
        BigDecimal fees = BigDecimal.ZERO;
        String currency = rows.isEmpty() ? (crm.isEmpty() ? null : crm.get(0).currency()) : rows.get(0).currency();
        for (Stored r : rows) {
            boolean payment = r.kind().equals(Kind.PAYMENT.name());
            if (payment) {
                statementPayments++;
                paid = paid.add(r.amount());
                fees = fees.add(r.fee());
            } else {
                statementRefunds++;
                refunded = refunded.add(r.amount());
                fees = fees.subtract(r.fee());
            }
            if (!matched.contains(r) && !knownElsewhere(provider, r)) {
                out.add(new Mismatch("ONLY_AT_PROVIDER", r.kind(), r.reference(), null, "absent", money(r.amount(), r.currency()), null));
            }
        }
        String scale = currency == null ? "CNY" : currency;
        return new Report(provider, day, currency,
                new Side(crmPayments, Money.round(crmPaymentSum, scale), crmRefunds, Money.round(crmRefundSum, scale), null),
                new Side(statementPayments, Money.round(paid, scale), statementRefunds, Money.round(refunded, scale), Money.round(fees, scale)),
                new Side(erpPayments, Money.round(erpPaymentSum, scale), erpRefunds, Money.round(erpRefundSum, scale), null),
                Money.round(paid.subtract(refunded).subtract(fees), scale), out);
    }

    /** A CRM record of the day the provider lists on the day before or after (a refund accepted after midnight). */
    private boolean onNeighbouringDay(String provider, LocalDate day, Crm c) {
        return jdbc.sql("""
                SELECT COUNT(*) FROM provider_statement_row WHERE provider = ? AND kind = ? AND statement_date IN (?, ?)
                  AND (reference = ? OR provider_id = ?)""")
                .params(provider, c.entity(), Date.valueOf(day.minusDays(1)), Date.valueOf(day.plusDays(1)), c.reference(),
                        c.providerId() == null ? "" : c.providerId())
                .query(Long.class).single() > 0;
    }

    /** A statement row whose payment or refund the CRM has, recorded on another day (matched, and compared, there). */
    private boolean knownElsewhere(String provider, Stored r) {
        String sql = r.kind().equals(Kind.PAYMENT.name())
                ? "SELECT COUNT(*) FROM payment WHERE provider = ? AND provider_txn_id IS NOT NULL AND (payment_reference = ? OR provider_txn_id = ?)"
                : "SELECT COUNT(*) FROM refund r JOIN payment p ON p.id = r.payment_id WHERE p.provider = ? AND r.status = 'SUCCEEDED' "
                        + "AND (r.refund_reference = ? OR r.provider_refund_id = ?)";
        return jdbc.sql(sql).params(provider, r.reference(), r.providerId() == null ? "" : r.providerId()).query(Long.class).single() > 0;
    }

    private static String money(BigDecimal amount, String currency) {
        return Money.round(amount, currency).toPlainString() + " " + currency;
    }

    /** The report as CSV: one summary block, then a line per mismatch. */
    static String csv(List<Report> reports) {
        StringBuilder out = new StringBuilder("provider,day,currency,crm_payments,crm_payment_sum,crm_refunds,crm_refund_sum,"
                + "provider_payments,provider_payment_sum,provider_refunds,provider_refund_sum,fees,net,erp_payments,erp_payment_sum,"
                + "erp_refunds,erp_refund_sum,mismatches\n");
        for (Report r : reports) {
            out.append(String.join(",", r.provider(), r.day().toString(), nz(r.currency()), String.valueOf(r.crm().payments()),
                    r.crm().paymentSum().toPlainString(), String.valueOf(r.crm().refunds()), r.crm().refundSum().toPlainString(),
                    String.valueOf(r.statement().payments()), r.statement().paymentSum().toPlainString(), String.valueOf(r.statement().refunds()),
                    r.statement().refundSum().toPlainString(), r.statement().fees().toPlainString(), r.net().toPlainString(),
                    String.valueOf(r.erp().payments()), r.erp().paymentSum().toPlainString(), String.valueOf(r.erp().refunds()),
                    r.erp().refundSum().toPlainString(), String.valueOf(r.mismatches().size()))).append('\n');
        }
        out.append("\nprovider,day,kind,entity,reference,crm_id,crm,provider_statement,erp\n");
        for (Report r : reports) {
            for (Mismatch m : r.mismatches()) {
                out.append(String.join(",", r.provider(), r.day().toString(), m.kind(), m.entity(), csvText(m.reference()),
                        m.crmId() == null ? "" : String.valueOf(m.crmId()), csvText(m.crmValue()), csvText(m.providerValue()),
                        csvText(m.erpValue()))).append('\n');
            }
        }
        return out.toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** Quoted when needed; a leading = + - @ is prefixed with ' so a spreadsheet never runs it as a formula. */
    static String csvText(String s) {
        if (s == null) {
            return "";
        }
        String safe = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        return safe.contains(",") || safe.contains("\"") || safe.contains("\n") ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
    }

    static Map<String, Object> detail(Mismatch m) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", m.kind());
        d.put("entity", m.entity());
        d.put("reference", m.reference());
        return d;
    }
}
