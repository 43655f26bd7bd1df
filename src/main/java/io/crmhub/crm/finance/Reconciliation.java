package io.crmhub.crm.finance;

import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.crm.canonical.CanonicalPayment;
import io.crmhub.crm.canonical.ErpSnapshot;
import io.crmhub.crm.common.InvalidFieldException;
import io.crmhub.crm.common.Money;
import io.crmhub.crm.customer.CustomerService;
import io.crmhub.crm.order.OrderService;
import io.crmhub.logging.PiiMasking;
import io.crmhub.events.ClusterLease;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * CRM against ERP for a window of dates (UTC): customers, orders and invoices created in it on either side, matched by
 * our references (customer reference, order number) and the invoice number. Reports what is missing on either side,
 * every customer field the flow writes that differs (FIELD_MISMATCH),
 * amounts that differ by as little as a cent, and status drift (cancelled on one side only), each with the resync that
 * fixes it. Payments and refunds are compared as the ERP postings the hub made of them (by our posting reference, to the
 * cent). Daily for yesterday and today (one instance,
 * by lease), and on demand.
 */
@Component
public class Reconciliation {
    private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);

    private final JdbcClient jdbc;
    private final Optional<ErpSnapshot> erp;
    private final CustomerService customers;
    private final OrderService orders;
    private final InvoiceIngest invoices;
    private final PaymentPostings postings;
    private final TransactionTemplate tx;
    private final ClusterLease lease;
    private final Clock clock;
    private final PaymentReviewProperties reviewRule;

    Reconciliation(JdbcClient jdbc, Optional<ErpSnapshot> erp, CustomerService customers, OrderService orders,
                   InvoiceIngest invoices, PaymentPostings postings, TransactionTemplate tx, ClusterLease lease, Clock clock,
                   PaymentReviewProperties reviewRule) {
        this.reviewRule = reviewRule;
        this.postings = postings;
        this.jdbc = jdbc;
        this.erp = erp;
        this.customers = customers;
        this.orders = orders;
        this.invoices = invoices;
        this.tx = tx;
        this.lease = lease;
        this.clock = clock;
    }

    /**
     * @param kind   MISSING_IN_ERP, MISSING_IN_CRM, AMOUNT_MISMATCH, STATUS_DRIFT, FIELD_MISMATCH, HELD_FOR_REVIEW
     * @param resync what {@code POST /api/finance/reconciliation/resync} takes to fix it (null: fix in the ERP)
     */
    public record Mismatch(String entity, String kind, Long crmId, String reference, String externalId, String crmValue,
                           String erpValue, Resync resync) {
    }

    /** @param id the CRM id (CUSTOMER, ORDER) or, for INVOICE, null with {@code reference} = the ERP invoice number */
    public record Resync(String entity, Long id, String reference) {
    }

    public record Report(LocalDate from, LocalDate to, String system, Map<String, Integer> compared, List<Mismatch> mismatches,
                         List<String> notCompared) {
    }

    @Scheduled(cron = "${crmhub.reconciliation.cron:0 45 6 * * *}", zone = "UTC")
    void daily() {
        if (erp.isPresent() && lease.acquireOrRenew("reconciliation", Duration.ofHours(1))) {
            LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
            run(today.minusDays(1), today); // logs its summary; the report itself is GET /api/finance/reconciliation
        }
    }

    public Report run(LocalDate from, LocalDate to) {
        if (to.isBefore(from)) {
            throw new InvalidFieldException("to", "must not be before from");
        }
        if (Duration.between(from.atStartOfDay(), to.atStartOfDay()).toDays() > 92) {
            throw new InvalidFieldException("to", "a window is at most 92 days");
        }
        ErpSnapshot snapshot = erp.orElseThrow(() -> new IllegalStateException("no ERP connector is configured"));
        List<Mismatch> mismatches = new ArrayList<>();
        Map<String, Integer> compared = new LinkedHashMap<>();
        compared.put("customers", customers(snapshot, from, to, mismatches));
        compared.put("orders", orders(snapshot, from, to, mismatches));
        compared.put("invoices", invoices(snapshot, from, to, mismatches));
        compared.put("payments", payments(snapshot, from, to, mismatches));
        log.info("Reconciliation {} .. {} against {}: compared {}, {} mismatch(es)", from, to, snapshot.system(), compared, mismatches.size());
        return new Report(from, to, snapshot.system(), compared, mismatches, List.of());
    }

    private int customers(ErpSnapshot snapshot, LocalDate from, LocalDate to, List<Mismatch> out) {
        Map<String, ErpSnapshot.Record> erpSide = byReference(snapshot.customers(from, to.plusDays(1)));
        List<Long> crm = jdbc.sql("SELECT id FROM customer WHERE created_at >= ? AND created_at < ? ORDER BY id")
                .params(start(from), start(to.plusDays(1))).query(Long.class).list();
        for (long id : crm) {
            String reference = CanonicalCustomer.referenceOf(id);
            ErpSnapshot.Record r = erpSide.remove(reference);
            if (r == null) {
                out.add(new Mismatch("CUSTOMER", "MISSING_IN_ERP", id, reference, null, "present", "absent", new Resync("CUSTOMER", id, null)));
            } else {
                compareFields(snapshot, id, reference, r, out);
            }
        }
        unmatchedErp("CUSTOMER", erpSide, to, "SELECT COUNT(*) FROM customer WHERE id = ?", r -> idOf(r.reference()), out);
        return crm.size();
    }

    /**
     * Every field the customer flow writes, as it would write it now, against what the ERP holds: a field cleared or
     * changed on one side only is a FIELD_MISMATCH (phones and ID numbers masked), fixed by resending the customer.
     */
    private void compareFields(ErpSnapshot snapshot, long id, String reference, ErpSnapshot.Record r, List<Mismatch> out) {
        if (!r.fields().isEmpty()) {
            customers.canonical(id).ifPresent(customer -> compareFields("CUSTOMER", id, reference, r,
                    () -> snapshot.customerFields(customer), out));
        }
    }

    /**
     * Each field the flow would write now ({@code expected}) against the ERP record's: one FIELD_MISMATCH per field that
     * differs (phones and ID numbers masked), fixed by resending the entity. A code the flow cannot map is reported
     * once; the flow parks that entity too.
     */
    private static void compareFields(String entity, long id, String reference, ErpSnapshot.Record r,
                                      java.util.function.Supplier<Map<String, String>> expected, List<Mismatch> out) {
        Map<String, String> wanted;
        try {
            wanted = expected.get();
        } catch (RuntimeException e) {
            out.add(new Mismatch(entity, "FIELD_MISMATCH", id, reference, r.externalId(), "cannot be mapped: " + e.getMessage(),
                    "not compared", null));
            return;
        }
        wanted.forEach((field, value) -> {
            String erpValue = r.fields().getOrDefault(field, "");
            if (!value.strip().equals(erpValue.strip())) {
                out.add(new Mismatch(entity, "FIELD_MISMATCH", id, reference, r.externalId(),
                        field + "=" + PiiMasking.mask(value), field + "=" + PiiMasking.mask(erpValue), new Resync(entity, id, null)));
            }
        });
    }

    /** {@code total} is what the customer pays (gross), {@code net} without tax: ERPs state one or the other on an order. */
    private record CrmOrder(long id, String number, String status, BigDecimal total, String currency, BigDecimal net) {
    }

    private int orders(ErpSnapshot snapshot, LocalDate from, LocalDate to, List<Mismatch> out) {
        Map<String, ErpSnapshot.Record> erpSide = byReference(snapshot.orders(from, to.plusDays(1)));
        List<CrmOrder> crm = jdbc.sql("""
                SELECT id, order_number, status, total_amount, currency, COALESCE(net_amount, total_amount) FROM sales_order
                WHERE created_at >= ? AND created_at < ? AND status <> 'DRAFT' ORDER BY id""")
                .params(start(from), start(to.plusDays(1)))
                .query((rs, n) -> new CrmOrder(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4), rs.getString(5).trim(),
                        rs.getBigDecimal(6)))
                .list();
        for (CrmOrder o : crm) {
            ErpSnapshot.Record r = erpSide.remove(o.number());
            compareOrder(snapshot, o, r, out);
        }
        // ERP orders in the window whose CRM order was created earlier (a draft confirmed later) are compared, not "missing"
        for (var it = erpSide.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Optional<CrmOrder> earlier = jdbc.sql("SELECT id, order_number, status, total_amount, currency, COALESCE(net_amount, total_amount) FROM sales_order WHERE order_number = ?")
                    .param(e.getKey())
                    .query((rs, n) -> new CrmOrder(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4), rs.getString(5).trim(),
                        rs.getBigDecimal(6)))
                    .optional();
            if (earlier.isPresent()) {
                compareOrder(snapshot, earlier.get(), e.getValue(), out);
                it.remove();
            }
        }
        unmatchedErp("ORDER", erpSide, to, null, null, out);
        return crm.size();
    }

    private void compareOrder(ErpSnapshot snapshot, CrmOrder o, ErpSnapshot.Record r, List<Mismatch> out) {
        Resync resync = new Resync("ORDER", o.id(), null);
        if (r == null) {
            if ("CONFIRMED".equals(o.status())) {
                out.add(new Mismatch("ORDER", "MISSING_IN_ERP", o.id(), o.number(), null, "CONFIRMED", "absent", resync));
            }
            return;
        }
        BigDecimal crmTotal = Money.round(snapshot.ordersAtNet() ? o.net() : o.total(), o.currency());
        BigDecimal erpTotal = Money.round(r.amount(), o.currency());
        if (!o.currency().equals(r.currency()) || crmTotal.compareTo(erpTotal) != 0) {
            out.add(new Mismatch("ORDER", "AMOUNT_MISMATCH", o.id(), o.number(), r.externalId(), crmTotal.toPlainString() + " " + o.currency(),
                    erpTotal.toPlainString() + " " + r.currency(), resync));
        }
        boolean crmCancelled = "CANCELLED".equals(o.status());
        if (crmCancelled != "CANCELLED".equals(r.status())) {
            out.add(new Mismatch("ORDER", "STATUS_DRIFT", o.id(), o.number(), r.externalId(), o.status(), r.status(), resync));
        } else if (!crmCancelled && !r.fields().isEmpty()) {
            compareOrderFields(snapshot, o, r, out);
        }
    }

    /** The order's customer and open items as the flow writes them, against the ERP's (a line changed by hand, say). */
    private void compareOrderFields(ErpSnapshot snapshot, CrmOrder o, ErpSnapshot.Record r, List<Mismatch> out) {
        orders.canonical(o.id()).ifPresent(order -> {
            String customer = jdbc.sql("SELECT external_id FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ? AND system = ?")
                    .params(order.customerId(), snapshot.system()).query(String.class).optional().orElse("");
            compareFields("ORDER", o.id(), o.number(), r, () -> snapshot.orderFields(order, customer), out);
        });
    }

    private record CrmInvoice(long id, String number, String status, BigDecimal total, String currency) {
    }

    private int invoices(ErpSnapshot snapshot, LocalDate from, LocalDate to, List<Mismatch> out) {
        Map<String, ErpSnapshot.Record> erpSide = byReference(snapshot.invoices(from, to));
        List<CrmInvoice> crm = jdbc.sql("""
                SELECT id, invoice_number, status, total_amount, currency FROM invoice WHERE issue_date >= ? AND issue_date <= ? ORDER BY id""")
                .params(java.sql.Date.valueOf(from), java.sql.Date.valueOf(to))
                .query((rs, n) -> new CrmInvoice(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4), rs.getString(5).trim()))
                .list();
        for (CrmInvoice i : crm) {
            ErpSnapshot.Record r = erpSide.remove(i.number());
            Resync resync = new Resync("INVOICE", null, i.number());
            if (r == null) {
                out.add(new Mismatch("INVOICE", "MISSING_IN_ERP", i.id(), i.number(), null, i.status(), "absent", null));
                continue;
            }
            BigDecimal crmTotal = Money.round(i.total(), i.currency());
            if (!i.currency().equals(r.currency()) || crmTotal.compareTo(Money.round(r.amount(), i.currency())) != 0) {
                out.add(new Mismatch("INVOICE", "AMOUNT_MISMATCH", i.id(), i.number(), r.externalId(), crmTotal.toPlainString() + " " + i.currency(),
                        Money.round(r.amount(), i.currency()).toPlainString() + " " + r.currency(), resync));
            }
            if ("CANCELLED".equals(i.status()) != "CANCELLED".equals(r.status())) {
                out.add(new Mismatch("INVOICE", "STATUS_DRIFT", i.id(), i.number(), r.externalId(), i.status(), r.status(), resync));
            }
        }
        erpSide.values().forEach(r -> out.add(new Mismatch("INVOICE", "MISSING_IN_CRM", null, r.reference(), r.externalId(), "absent",
                r.status(), new Resync("INVOICE", null, r.reference()))));
        return crm.size();
    }

    private record CrmPosting(String entity, long id, String reference, BigDecimal amount, String currency, boolean held) {
    }

    /**
     * Money received and paid back in the window (by when it moved) against the ERP's postings with our references.
     * A posting is never changed by the hub, so an amount that differs is fixed in the ERP (no resync); a missing one
     * is posted again. The ERP side is read a day wider: its posting date is a calendar date in the ERP's zone.
     */
    private int payments(ErpSnapshot snapshot, LocalDate from, LocalDate to, List<Mismatch> out) {
        Map<String, ErpSnapshot.Record> erpSide = byReference(snapshot.payments(from.minusDays(1), to.plusDays(1)));
        List<CrmPosting> crm = new ArrayList<>(jdbc.sql("""
                SELECT id, amount, currency, status FROM payment
                WHERE provider_txn_id IS NOT NULL AND COALESCE(paid_at, updated_at) >= ? AND COALESCE(paid_at, updated_at) < ? ORDER BY id""")
                .params(start(from), start(to.plusDays(1)))
                .query((rs, n) -> new CrmPosting("PAYMENT", rs.getLong(1), CanonicalPayment.receiptReference(rs.getLong(1)),
                        rs.getBigDecimal(2), rs.getString(3).trim(),
                        reviewRule.holds() && PaymentRecorder.NEEDS_REVIEW.equals(rs.getString(4)))).list());
        crm.addAll(jdbc.sql("""
                SELECT id, amount, currency FROM refund WHERE status = 'SUCCEEDED' AND updated_at >= ? AND updated_at < ? ORDER BY id""")
                .params(start(from), start(to.plusDays(1)))
                .query((rs, n) -> new CrmPosting("REFUND", rs.getLong(1), CanonicalPayment.refundReference(rs.getLong(1)),
                        rs.getBigDecimal(2), rs.getString(3).trim(), false)).list());
        for (CrmPosting p : crm) {
            ErpSnapshot.Record r = erpSide.remove(p.reference());
            BigDecimal amount = Money.round(p.amount(), p.currency());
            if (r == null && p.held()) {
                // crmhub.payments.review.posting=hold: not posted until finance decides; the resync is the release
                out.add(new Mismatch(p.entity(), "HELD_FOR_REVIEW", p.id(), p.reference(), null, amount.toPlainString() + " " + p.currency(),
                        "held back until finance releases it", new Resync(p.entity(), p.id(), null)));
            } else if (r == null) {
                out.add(new Mismatch(p.entity(), "MISSING_IN_ERP", p.id(), p.reference(), null, amount.toPlainString() + " " + p.currency(),
                        "absent", new Resync(p.entity(), p.id(), null)));
            } else if (!p.currency().equals(r.currency()) || amount.compareTo(Money.round(r.amount(), p.currency())) != 0) {
                out.add(new Mismatch(p.entity(), "AMOUNT_MISMATCH", p.id(), p.reference(), r.externalId(),
                        amount.toPlainString() + " " + p.currency(), Money.round(r.amount(), p.currency()).toPlainString() + " " + r.currency(), null));
            }
        }
        for (ErpSnapshot.Record r : erpSide.values()) {
            boolean receipt = r.reference().startsWith("CRM-P-");
            Long id = idOf(r.reference());
            String exists = receipt ? "SELECT COUNT(*) FROM payment WHERE id = ? AND provider_txn_id IS NOT NULL"
                    : "SELECT COUNT(*) FROM refund WHERE id = ? AND status = 'SUCCEEDED'";
            if (id != null && jdbc.sql(exists).param(id).query(Long.class).single() > 0) {
                continue; // moved just outside the window: the next or previous day's report compares it
            }
            out.add(new Mismatch(receipt ? "PAYMENT" : "REFUND", "MISSING_IN_CRM", null, r.reference(), r.externalId(), "absent",
                    Money.presented(r.amount(), r.currency()).toPlainString() + " " + r.currency(), null));
        }
        return crm.size();
    }

    /** ERP records with our reference that the CRM side of the window did not claim (those after {@code to} are lookahead). */
    private void unmatchedErp(String entity, Map<String, ErpSnapshot.Record> erpSide, LocalDate to, String existsSql,
                              java.util.function.Function<ErpSnapshot.Record, Long> idOf, List<Mismatch> out) {
        for (ErpSnapshot.Record r : erpSide.values()) {
            if (existsSql != null) {
                Long id = idOf.apply(r);
                if (id != null && jdbc.sql(existsSql).param(id).query(Long.class).single() > 0) {
                    continue; // created in the CRM outside the window: present on both sides
                }
            }
            out.add(new Mismatch(entity, "MISSING_IN_CRM", null, r.reference(), r.externalId(), "absent", r.status(), null));
        }
    }

    /** Re-queues what a mismatch row names: the entity's current state goes to the ERP again, or invoices are read again. */
    public String resync(Resync what) {
        switch (what.entity() == null ? "" : what.entity()) {
            case "CUSTOMER" -> {
                return requeue(what, customers::republish);
            }
            case "ORDER" -> {
                return requeue(what, orders::republish);
            }
            case "PAYMENT" -> {
                return requeue(what, id -> postings.publishReceipt(id, "resync"));
            }
            case "REFUND" -> {
                return requeue(what, id -> postings.publishRefund(id, "resync"));
            }
            case "INVOICE" -> {
                int rewound = invoices.rewind(clock.instant().minus(Duration.ofDays(93)));
                return "invoice polling rewound (" + rewound + " watermark(s)); the next poll reads the last 93 days again";
            }
            default -> throw new InvalidFieldException("entity", "must be CUSTOMER, ORDER, INVOICE, PAYMENT or REFUND");
        }
    }

    /** Resets the entity's link and publishes its current state again, in one transaction. */
    private String requeue(Resync what, java.util.function.LongConsumer republish) {
        if (what.id() == null) {
            throw new InvalidFieldException("id", "is required for " + what.entity());
        }
        String system = erp.map(ErpSnapshot::system).orElse("erp");
        tx.executeWithoutResult(s -> {
            jdbc.sql("UPDATE external_link SET synced_version = 0, last_message = ?, last_synced_at = ? WHERE entity_type = ? AND entity_id = ? AND system = ?")
                    .params("resync requested by reconciliation", Timestamp.from(clock.instant()), what.entity(), what.id(), system).update();
            republish.accept(what.id());
        });
        return what.entity().toLowerCase() + " " + what.id() + " queued for " + system;
    }

    private static Map<String, ErpSnapshot.Record> byReference(List<ErpSnapshot.Record> records) {
        Map<String, ErpSnapshot.Record> map = new HashMap<>();
        records.forEach(r -> map.put(r.reference(), r));
        return map;
    }

    /** The CRM id in one of our references: {@code CRM-C-…}, {@code CRM-P-…}, {@code CRM-R-…}. */
    private static Long idOf(String reference) {
        try {
            return Long.parseLong(reference.substring("CRM-C-".length()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Timestamp start(LocalDate day) {
        return Timestamp.from(day.atStartOfDay(ZoneOffset.UTC).toInstant());
    }
}
