package io.crmhub.crm.finance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmhub.crm.canonical.CanonicalPayment;
import io.crmhub.sandbox.StripeSandbox;
import io.crmhub.sandbox.StripeSandboxServer;
import io.crmhub.sandbox.SapSandboxServer;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import io.crmhub.support.TestDatabases;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Three-way reconciliation (D49) with Stripe: 200 payments and 2 refunds of one UTC day, held alike by the CRM store
 * (planted by SQL), the Stripe sandbox (which lists the day's balance transactions, 100 a page, with their fees) and
 * SAP (planted journal entries). The hub pages through the list with the real connector, matches payments by
 * PaymentIntent id and refunds by refund id, and finds exactly the planted differences — a missing transaction, a
 * payment only Stripe knows — each once; a clean day reports none. Stripe's fees are reported (no rate is configured).
 */
class StripeStatementReconciliationIT extends HubIntegrationTest {
    private static final StripeSandboxServer STRIPE = StripeSandboxServer.start(0);
    private static final SapSandboxServer SAP = SapSandboxServer.start(0, SapTestServer.USER, SapTestServer.PASSWORD);
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final int PAYMENTS = 200;
    private static final int REFUNDS = 2;
    private final ObjectMapper mapper = new ObjectMapper();

    @Autowired
    JdbcTemplate batch;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        STRIPE.hubProperties("http://127.0.0.1:1/unused").forEach((k, v) -> registry.add(k, () -> v));
        registry.add("crmhub.test.sap-url", SAP::baseUrl);
        TestDatabases.own(registry, "stripe_statements");
        registry.add("crmhub.invoices.initial-delay", () -> "1h");
        registry.add("crmhub.payments.check-interval", () -> "1h");
    }

    @Test
    void aDayOfStripeChargesReconcilesToTheCentAcrossPagesAndEachPlantedDifferenceIsFoundOnce() {
        LocalDate day = LocalDate.now(UTC).minusDays(1);
        LocalDate clean = day.minusDays(1);
        Planted planted = plant(day, PAYMENTS, REFUNDS, "S");
        plant(clean, 20, 1, "T");

        JsonNode cleanReport = reconcile(clean);
        assertThat(cleanReport.path("mismatches")).as(cleanReport.path("mismatches").toString()).isEmpty();
        assertThat(cleanReport.path("statement").path("payments").asInt()).isEqualTo(20);
        assertThat(cleanReport.path("statement").path("refunds").asInt()).isEqualTo(1);

        String dropped = planted.references().get(100);
        STRIPE.stripe().editBill(dropped, mapper.createObjectNode().put("drop", true));
        String stranger = "STRIPE-ONLY-" + day;
        STRIPE.stripe().editBill(stranger, mapper.createObjectNode().put("amount", "12.34").put("day", day.toString()));

        JsonNode report = reconcile(day);
        List<String> found = new ArrayList<>();
        report.path("mismatches").forEach(m -> found.add(m.path("kind").asText() + " " + m.path("entity").asText() + " " + m.path("reference").asText()));
        assertThat(found).containsExactlyInAnyOrder(
                "MISSING_AT_PROVIDER PAYMENT " + dropped,
                "ONLY_AT_PROVIDER PAYMENT " + stranger);
        JsonNode statement = report.path("statement");
        assertThat(statement.path("payments").asInt()).isEqualTo(PAYMENTS); // one dropped, one stranger: three pages
        assertThat(statement.path("refunds").asInt()).isEqualTo(REFUNDS);
        BigDecimal fees = BigDecimal.ZERO;
        for (int i = 0; i < PAYMENTS; i++) {
            fees = i == 100 ? fees : fees.add(BigDecimal.valueOf(StripeSandbox.fee(planted.amounts().get(i).movePointRight(2).longValueExact(), "usd"), 2));
        }
        fees = fees.add(BigDecimal.valueOf(StripeSandbox.fee(1234, "usd"), 2));
        assertThat(new BigDecimal(statement.path("fees").asText())).as("Stripe's fees, reported").isEqualByComparingTo(fees);
        assertThat(new BigDecimal(statement.path("paymentSum").asText()).subtract(new BigDecimal(statement.path("refundSum").asText()))
                .subtract(new BigDecimal(statement.path("fees").asText()))).isEqualByComparingTo(report.path("net").decimalValue());
        assertThat(report.path("erp").path("payments").asInt()).isEqualTo(PAYMENTS);
        assertThat(report.path("erp").path("refunds").asInt()).isEqualTo(REFUNDS);

        reconcile(day); // a re-run finds the same and opens no second review
        assertThat(jdbc.sql("SELECT COUNT(*) FROM finance_review WHERE kind = 'RECONCILIATION' AND status = 'OPEN'").query(Long.class).single())
                .isEqualTo(2);
    }

    // ---- helpers ----

    private JsonNode reconcile(LocalDate day) {
        ResponseEntity<String> response = call("finance", HttpMethod.POST, "/api/finance/statements/reconcile",
                "{\"provider\":\"stripe\",\"date\":\"" + day + "\"}");
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(200);
        return json(response);
    }

    private record Planted(List<String> references, List<BigDecimal> amounts) {
    }

    /** {@code payments} payments and {@code refunds} refunds of {@code day} in the CRM, at Stripe and in SAP alike. */
    private Planted plant(LocalDate day, int payments, int refunds, String tag) {
        Timestamp now = Timestamp.from(java.time.Instant.now());
        Timestamp paidAt = Timestamp.from(day.atTime(12, 0).atZone(UTC).toInstant());
        long created = day.atTime(12, 0).atZone(UTC).toEpochSecond();
        String name = "Stripe Statement Co " + tag;
        StatementPlanting.CustomerOrder planted = StatementPlanting.customerWithOrder(batch, jdbc, SAP, name, 4_000_000, "SO-SST-" + tag, "USD");
        String partner = planted.partner();
        long order = planted.order();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < payments; i++) {
            BigDecimal amount = new BigDecimal(10 + i % 900).add(new BigDecimal(i % 100).movePointLeft(2));
            rows.add(new Object[]{order, tag + "-STR-" + i, "pi_" + tag + day.toString().replace("-", "") + "x" + i, amount, now, now, paidAt});
        }
        batch.batchUpdate("""
                INSERT INTO payment (order_id, payment_reference, provider, provider_txn_id, status, currency, amount, refunded_amount,
                                     version, created_at, updated_at, paid_at)
                VALUES (?, ?, 'stripe', ?, 'SUCCEEDED', 'USD', ?, 0, 1, ?, ?, ?)""", rows);
        List<String> references = new ArrayList<>();
        List<BigDecimal> amounts = new ArrayList<>();
        List<Long> paymentIds = new ArrayList<>();
        jdbc.sql("SELECT id, payment_reference, provider_txn_id, amount FROM payment WHERE order_id = ? ORDER BY id").param(order).query(rs -> {
            String reference = rs.getString(2);
            BigDecimal amount = rs.getBigDecimal(4).setScale(2);
            references.add(reference);
            amounts.add(amount);
            paymentIds.add(rs.getLong(1));
            String intentId = rs.getString(3);
            ObjectNode intent = mapper.createObjectNode().put("id", intentId).put("object", "payment_intent")
                    .put("amount", amount.movePointRight(2).longValueExact()).put("amount_received", amount.movePointRight(2).longValueExact())
                    .put("currency", "usd").put("created", created).put("status", "succeeded").put("latest_charge", "ch_" + intentId.substring(3));
            intent.putObject("metadata").put("crm_payment_reference", reference);
            STRIPE.stripe().paymentIntents().put(intentId, intent);
            SAP.sap().journal().plantCustomerLine(CanonicalPayment.receiptReference(rs.getLong(1)), partner, amount.negate(), "USD", day);
        });
        for (int i = 0; i < refunds; i++) {
            long paymentId = paymentIds.get(i * 7);
            String reference = references.get(i * 7) + "-R1";
            BigDecimal amount = new BigDecimal("1.00").add(BigDecimal.valueOf(i));
            batch.update("""
                    INSERT INTO refund (payment_id, refund_reference, provider_refund_id, status, currency, amount, requested_by, created_at, updated_at)
                    VALUES (?, ?, ?, 'SUCCEEDED', 'USD', ?, 'finance', ?, ?)""", paymentId, reference, "re_" + tag + day.toString().replace("-", "") + i,
                    amount, paidAt, paidAt);
            batch.update("UPDATE payment SET refunded_amount = ? WHERE id = ?", amount, paymentId);
            long refundId = jdbc.sql("SELECT id FROM refund WHERE refund_reference = ?").param(reference).query(Long.class).single();
            String refundIdAtStripe = "re_" + tag + day.toString().replace("-", "") + i;
            String intentId = jdbc.sql("SELECT provider_txn_id FROM payment WHERE id = ?").param(paymentId).query(String.class).single();
            ObjectNode refund = mapper.createObjectNode().put("id", refundIdAtStripe).put("object", "refund")
                    .put("amount", amount.movePointRight(2).longValueExact()).put("charge", "ch_" + intentId.substring(3)).put("created", created)
                    .put("currency", "usd").put("payment_intent", intentId).put("status", "succeeded");
            refund.putObject("metadata").put("crm_payment_reference", references.get(i * 7)).put("crm_refund_reference", reference);
            STRIPE.stripe().refunds().put(refundIdAtStripe, refund);
            SAP.sap().journal().plantCustomerLine(CanonicalPayment.refundReference(refundId), partner, amount, "USD", day);
        }
        return new Planted(references, amounts);
    }
}
