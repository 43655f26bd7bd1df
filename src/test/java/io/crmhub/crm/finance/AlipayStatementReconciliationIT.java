package io.crmhub.crm.finance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmhub.crm.canonical.CanonicalPayment;
import io.crmhub.sandbox.AlipaySandbox;
import io.crmhub.sandbox.AlipaySandboxServer;
import io.crmhub.sandbox.SapSandboxServer;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import io.crmhub.support.TestDatabases;
import java.math.BigDecimal;
import java.math.RoundingMode;
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
 * Three-way reconciliation (D49) with Alipay: 200 payments and 2 refunds of one day, held alike by the CRM store
 * (planted by SQL), the Alipay sandbox (which serves the day's trade bill: a signed download-URL answer, then a ZIP of
 * GBK CSVs with its fees and totals) and SAP (planted journal entries). The hub reads the bill through the real
 * connector and finds exactly the planted differences — a missing bill row, a fee off by 0.01, a payment only Alipay
 * knows — each once; a clean day reports none.
 */
class AlipayStatementReconciliationIT extends HubIntegrationTest {
    private static final AlipaySandboxServer ALIPAY = AlipaySandboxServer.start(0);
    private static final SapSandboxServer SAP = SapSandboxServer.start(0, SapTestServer.USER, SapTestServer.PASSWORD);
    private static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
    private static final int PAYMENTS = 200;
    private static final int REFUNDS = 2;
    private final ObjectMapper mapper = new ObjectMapper();

    @Autowired
    JdbcTemplate batch;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        ALIPAY.hubProperties("http://127.0.0.1:1/unused").forEach((k, v) -> registry.add(k, () -> v));
        registry.add("crmhub.test.sap-url", SAP::baseUrl);
        TestDatabases.own(registry, "alipay_statements");
        registry.add("crmhub.invoices.initial-delay", () -> "1h");
        registry.add("crmhub.payments.check-interval", () -> "1h");
    }

    @Test
    void aDayOfAlipayPaymentsReconcilesToTheCentAndEachPlantedDifferenceIsFoundOnce() {
        LocalDate day = LocalDate.now(BEIJING).minusDays(1);
        LocalDate clean = day.minusDays(1);
        Planted planted = plant(day, PAYMENTS, REFUNDS, "A");
        plant(clean, 20, 1, "B");

        JsonNode cleanReport = reconcile(clean);
        assertThat(cleanReport.path("mismatches")).as(cleanReport.path("mismatches").toString()).isEmpty();
        assertThat(cleanReport.path("statement").path("payments").asInt()).isEqualTo(20);
        assertThat(cleanReport.path("statement").path("refunds").asInt()).isEqualTo(1);

        String dropped = planted.references().get(100);
        String feeOff = planted.references().get(150);
        ALIPAY.alipay().editBill(dropped, mapper.createObjectNode().put("drop", true));
        ALIPAY.alipay().editBill(feeOff, mapper.createObjectNode().put("fee",
                fee(planted.amounts().get(150)).add(new BigDecimal("0.01")).toPlainString()));
        String stranger = "ALIPAY-ONLY-" + day;
        ALIPAY.alipay().editBill(stranger, mapper.createObjectNode().put("amount", "12.34").put("day", day.toString()));

        JsonNode report = reconcile(day);
        List<String> found = new ArrayList<>();
        report.path("mismatches").forEach(m -> found.add(m.path("kind").asText() + " " + m.path("entity").asText() + " " + m.path("reference").asText()));
        assertThat(found).containsExactlyInAnyOrder(
                "MISSING_AT_PROVIDER PAYMENT " + dropped,
                "FEE_MISMATCH PAYMENT " + feeOff,
                "ONLY_AT_PROVIDER PAYMENT " + stranger);
        JsonNode statement = report.path("statement");
        assertThat(statement.path("payments").asInt()).isEqualTo(PAYMENTS); // one dropped, one stranger
        assertThat(statement.path("refunds").asInt()).isEqualTo(REFUNDS);
        assertThat(new BigDecimal(statement.path("paymentSum").asText()).subtract(new BigDecimal(statement.path("refundSum").asText()))
                .subtract(new BigDecimal(statement.path("fees").asText()))).isEqualByComparingTo(report.path("net").decimalValue());
        assertThat(report.path("erp").path("payments").asInt()).isEqualTo(PAYMENTS);
        assertThat(report.path("erp").path("refunds").asInt()).isEqualTo(REFUNDS);

        reconcile(day); // a re-run finds the same and opens no second review
        assertThat(jdbc.sql("SELECT COUNT(*) FROM finance_review WHERE kind = 'RECONCILIATION' AND status = 'OPEN'").query(Long.class).single())
                .isEqualTo(3);
    }

    @Test
    void aDayWithoutTradesIsEmptyOnceTheBillIsDueAndNotReadyBefore() {
        // isp.bill_not_exist: a day long over had no trades; today's bill is not due before 10:00 tomorrow
        JsonNode quiet = reconcile(LocalDate.now(BEIJING).minusDays(30));
        assertThat(quiet.path("statement").path("payments").asInt()).isZero();
        assertThat(quiet.path("mismatches")).isEmpty();
        ResponseEntity<String> today = call("finance", HttpMethod.POST, "/api/finance/statements/reconcile",
                "{\"provider\":\"alipay\",\"date\":\"" + LocalDate.now(BEIJING) + "\"}");
        assertThat(today.getStatusCode().value()).as(today.getBody()).isEqualTo(503);
        assertThat(today.getBody()).contains("isp.bill_not_exist");
        assertThat(today.getHeaders().getFirst("Retry-After")).isEqualTo("3600");
    }

    // ---- helpers ----

    private JsonNode reconcile(LocalDate day) {
        ResponseEntity<String> response = call("finance", HttpMethod.POST, "/api/finance/statements/reconcile",
                "{\"provider\":\"alipay\",\"date\":\"" + day + "\"}");
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(200);
        return json(response);
    }

    private static BigDecimal fee(BigDecimal amount) {
        return amount.multiply(AlipaySandbox.FEE_RATE).setScale(2, RoundingMode.HALF_UP);
    }

    private record Planted(List<String> references, List<BigDecimal> amounts) {
    }

    /** {@code payments} payments and {@code refunds} refunds of {@code day} in the CRM, at Alipay and in SAP alike. */
    private Planted plant(LocalDate day, int payments, int refunds, String tag) {
        Timestamp now = Timestamp.from(java.time.Instant.now());
        Timestamp paidAt = Timestamp.from(day.atTime(12, 0).atZone(BEIJING).toInstant());
        String alipayTime = day + " 12:00:00";
        String name = "Alipay Statement Co " + tag;
        StatementPlanting.CustomerOrder planted = StatementPlanting.customerWithOrder(batch, jdbc, SAP, name, 3_000_000, "SO-AST-" + tag, "CNY");
        String partner = planted.partner();
        long order = planted.order();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < payments; i++) {
            BigDecimal amount = new BigDecimal(10 + i % 900).add(new BigDecimal(i % 100).movePointLeft(2));
            String tradeNo = day.toString().replace("-", "") + "22001" + tag.charAt(0) % 10 + String.format("%014d", i);
            rows.add(new Object[]{order, tag + "-ALI-" + i, tradeNo, amount, now, now, paidAt});
        }
        batch.batchUpdate("""
                INSERT INTO payment (order_id, payment_reference, provider, provider_txn_id, status, currency, amount, refunded_amount,
                                     version, created_at, updated_at, paid_at)
                VALUES (?, ?, 'alipay', ?, 'SUCCEEDED', 'CNY', ?, 0, 1, ?, ?, ?)""", rows);
        List<String> references = new ArrayList<>();
        List<BigDecimal> amounts = new ArrayList<>();
        List<Long> paymentIds = new ArrayList<>();
        jdbc.sql("SELECT id, payment_reference, provider_txn_id, amount FROM payment WHERE order_id = ? ORDER BY id").param(order).query(rs -> {
            String reference = rs.getString(2);
            BigDecimal amount = rs.getBigDecimal(4).setScale(2);
            references.add(reference);
            amounts.add(amount);
            paymentIds.add(rs.getLong(1));
            ALIPAY.alipay().trades().put(reference, mapper.createObjectNode().put("out_trade_no", reference)
                    .put("total_amount", amount.toPlainString()).put("subject", "Order " + tag).put("trade_status", "TRADE_SUCCESS")
                    .put("trade_no", rs.getString(3)).put("gmt_payment", alipayTime));
            SAP.sap().journal().plantCustomerLine(CanonicalPayment.receiptReference(rs.getLong(1)), partner, amount.negate(), "CNY", day);
        });
        for (int i = 0; i < refunds; i++) {
            long paymentId = paymentIds.get(i * 7);
            String reference = references.get(i * 7) + "-R1";
            BigDecimal amount = new BigDecimal("1.00").add(BigDecimal.valueOf(i));
            batch.update("""
                    INSERT INTO refund (payment_id, refund_reference, provider_refund_id, status, currency, amount, requested_by, created_at, updated_at)
                    VALUES (?, ?, ?, 'SUCCEEDED', 'CNY', ?, 'finance', ?, ?)""", paymentId, reference, reference, amount, paidAt, paidAt);
            batch.update("UPDATE payment SET refunded_amount = ? WHERE id = ?", amount, paymentId);
            long refundId = jdbc.sql("SELECT id FROM refund WHERE refund_reference = ?").param(reference).query(Long.class).single();
            ALIPAY.alipay().refunds().put(reference, mapper.createObjectNode().put("out_trade_no", references.get(i * 7))
                    .put("out_request_no", reference).put("refund_amount", amount.toPlainString()).put("refund_status", "REFUND_SUCCESS")
                    .put("gmt_refund_pay", alipayTime));
            SAP.sap().journal().plantCustomerLine(CanonicalPayment.refundReference(refundId), partner, amount, "CNY", day);
        }
        return new Planted(references, amounts);
    }
}
