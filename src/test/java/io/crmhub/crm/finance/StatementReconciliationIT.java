package io.crmhub.crm.finance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmhub.crm.canonical.CanonicalPayment;
import io.crmhub.sandbox.SapSandboxServer;
import io.crmhub.sandbox.WechatPaySandbox;
import io.crmhub.sandbox.WechatPaySandboxServer;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import io.crmhub.support.TestDatabases;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Three-way reconciliation (D49) at scale: 10,000 WeChat Pay payments and a few refunds of one day, held alike by the
 * CRM store (planted by SQL), the WeChat Pay sandbox (which serves the day's signed trade bill with its fees) and SAP
 * (planted journal entries). The hub fetches the bill through the real connector (signature, SHA1 of the file,
 * summary totals) and finds exactly the planted differences — a missing statement row, a fee off by 0.01, a refund
 * missing in the ERP, a payment only WeChat Pay knows — and nothing else; a clean day reports none. The differences
 * become reviews; resyncing the missing ERP posting posts it to SAP, after which it is no longer found.
 */
class StatementReconciliationIT extends HubIntegrationTest {
    private static final WechatPaySandboxServer WECHAT = WechatPaySandboxServer.start(0);
    private static final SapSandboxServer SAP = SapSandboxServer.start(0, SapTestServer.USER, SapTestServer.PASSWORD);
    private static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
    private static final int PAYMENTS = 10_000;
    private static final int REFUNDS = 5;
    private final ObjectMapper mapper = new ObjectMapper();

    @Autowired
    JdbcTemplate batch;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        WECHAT.hubProperties("http://127.0.0.1:1/unused").forEach((k, v) -> registry.add(k, () -> v));
        registry.add("crmhub.test.sap-url", SAP::baseUrl);
        TestDatabases.own(registry, "statements");
        registry.add("crmhub.invoices.initial-delay", () -> "1h");
        registry.add("crmhub.payments.check-interval", () -> "1h");
    }

    @Test
    void tenThousandPaymentsReconcileToTheCentAndEachPlantedDifferenceIsFoundOnce() throws Exception {
        LocalDate day = LocalDate.now(BEIJING).minusDays(1);
        LocalDate clean = day.minusDays(1);
        Planted planted = plant(day, PAYMENTS, REFUNDS, "P");
        plant(clean, 20, 1, "C");

        JsonNode cleanReport = reconcile(clean);
        assertThat(cleanReport.path("mismatches")).as(cleanReport.path("mismatches").toString()).isEmpty();
        assertThat(cleanReport.path("statement").path("payments").asInt()).isEqualTo(20);

        // the planted differences: a payment WeChat Pay does not list, a fee one fen off the 0.6 %, a refund SAP does not
        // have, a payment only WeChat Pay knows
        String dropped = planted.references().get(100);
        String feeOff = planted.references().get(200);
        BigDecimal feeOffAmount = planted.amounts().get(200);
        WECHAT.wechatPay().editBill(dropped, mapper.createObjectNode().put("drop", true));
        WECHAT.wechatPay().editBill(feeOff, mapper.createObjectNode().put("fee",
                fee(feeOffAmount).add(new BigDecimal("0.01")).toPlainString()));
        long refundMissing = planted.refundIds().get(3);
        SAP.sap().journal().remove(CanonicalPayment.refundReference(refundMissing));
        String stranger = "PROVIDER-ONLY-" + day;
        WECHAT.wechatPay().editBill(stranger, mapper.createObjectNode().put("amount", "12.34").put("day", day.toString()));

        long started = System.nanoTime();
        JsonNode report = reconcile(day);
        long millis = (System.nanoTime() - started) / 1_000_000;
        List<String> found = new ArrayList<>();
        report.path("mismatches").forEach(m -> found.add(m.path("kind").asText() + " " + m.path("entity").asText() + " " + m.path("reference").asText()));
        assertThat(found).as("found in " + millis + " ms").containsExactlyInAnyOrder(
                "MISSING_AT_PROVIDER PAYMENT " + dropped,
                "FEE_MISMATCH PAYMENT " + feeOff,
                "MISSING_IN_ERP REFUND " + planted.refundReferences().get(3),
                "ONLY_AT_PROVIDER PAYMENT " + stranger);
        // the sums explain the settlement: provider payments − refunds − fees = net
        JsonNode statement = report.path("statement");
        assertThat(statement.path("payments").asInt()).isEqualTo(PAYMENTS); // one dropped, one stranger
        assertThat(new BigDecimal(statement.path("paymentSum").asText()).subtract(new BigDecimal(statement.path("refundSum").asText()))
                .subtract(new BigDecimal(statement.path("fees").asText()))).isEqualByComparingTo(report.path("net").decimalValue());
        assertThat(report.path("crm").path("payments").asInt()).isEqualTo(PAYMENTS);
        assertThat(report.path("erp").path("refunds").asInt()).isEqualTo(REFUNDS - 1);

        // a re-run finds the same and opens no second review
        reconcile(day);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM finance_review WHERE kind = 'RECONCILIATION' AND status = 'OPEN'").query(Long.class).single())
                .isEqualTo(4);

        ResponseEntity<String> csv = call("finance", HttpMethod.GET, "/api/finance/statements/reconciliation?from=" + clean + "&to=" + day
                + "&format=csv", null);
        assertThat(csv.getHeaders().getContentType().toString()).startsWith("text/csv");
        String[] lines = csv.getBody().split("\n");
        assertThat(lines[1]).startsWith("wechatpay," + clean + ",CNY,20,");
        assertThat(lines[2]).startsWith("wechatpay," + day + ",CNY," + PAYMENTS + ",").endsWith(",4");
        assertThat(csv.getBody()).contains("FEE_MISMATCH,PAYMENT," + feeOff);
        ResponseEntity<byte[]> xlsx = http.withBasicAuth("finance", "finance").getForEntity("/api/finance/statements/reconciliation?from="
                + day + "&to=" + day + "&format=xlsx", byte[].class);
        assertThat(xlsx.getHeaders().getContentType()).isEqualTo(StatementController.XLSX);
        try (ReadableWorkbook workbook = new ReadableWorkbook(new ByteArrayInputStream(xlsx.getBody()))) {
            var summary = workbook.getFirstSheet().read();
            assertThat(summary.get(1).getCellAsString(0)).contains("wechatpay");
            assertThat(summary.get(1).getCellAsNumber(3)).contains(BigDecimal.valueOf(PAYMENTS));
            var mismatches = workbook.getSheet(1).orElseThrow().read();
            assertThat(mismatches).hasSize(5); // header and the four
        }

        // finance repairs the missing posting: it is posted to SAP once, and the next run no longer finds it
        long review = jdbc.sql("SELECT id FROM finance_review WHERE kind = 'RECONCILIATION' AND subject LIKE ?")
                .param("%MISSING_IN_ERP:REFUND:%").query(Long.class).single();
        ResponseEntity<String> resync = call("finance", HttpMethod.POST, "/api/finance/reviews/" + review + "/resync", "{\"reason\":\"posting lost\"}");
        assertThat(resync.getStatusCode().value()).as(resync.getBody()).isEqualTo(200);
        assertThat(json(resync).path("resolution").asText()).isEqualTo("RESYNCED");
        await().atMost(Duration.ofSeconds(30)).until(() -> !SAP.sap().journal().items(CanonicalPayment.refundReference(refundMissing)).isEmpty());
        List<String> after = new ArrayList<>();
        reconcile(day).path("mismatches").forEach(m -> after.add(m.path("kind").asText()));
        assertThat(after).containsExactlyInAnyOrder("MISSING_AT_PROVIDER", "FEE_MISMATCH", "ONLY_AT_PROVIDER");
        ResponseEntity<String> fee = call("finance", HttpMethod.POST, "/api/finance/reviews/" + jdbc.sql(
                "SELECT id FROM finance_review WHERE kind = 'RECONCILIATION' AND subject LIKE ?").param("%FEE_MISMATCH%").query(Long.class).single()
                + "/resync", "{\"reason\":\"try\"}");
        assertThat(fee.getStatusCode().value()).as("a fee dispute is not the hub's to repair").isEqualTo(409);
    }

    @Test
    void aFutureDayOrAnUnknownProviderIsRefusedByName() {
        ResponseEntity<String> today = call("finance", HttpMethod.POST, "/api/finance/statements/reconcile",
                "{\"provider\":\"wechatpay\",\"date\":\"" + LocalDate.now(BEIJING).plusDays(1) + "\"}");
        assertThat(today.getStatusCode().value()).isEqualTo(400);
        assertThat(today.getBody()).contains("\"field\":\"date\"");
        ResponseEntity<String> unknown = call("finance", HttpMethod.POST, "/api/finance/statements/reconcile",
                "{\"provider\":\"paypal\",\"date\":\"2026-01-01\"}");
        assertThat(unknown.getStatusCode().value()).isEqualTo(400);
        assertThat(unknown.getBody()).contains("\"field\":\"provider\"").contains("wechatpay");
        assertThat(call("sales", HttpMethod.POST, "/api/finance/statements/reconcile", "{\"provider\":\"wechatpay\",\"date\":\"2026-01-01\"}")
                .getStatusCode().value()).isEqualTo(403);
    }

    // ---- helpers ----

    private JsonNode reconcile(LocalDate day) {
        ResponseEntity<String> response = call("finance", HttpMethod.POST, "/api/finance/statements/reconcile",
                "{\"provider\":\"wechatpay\",\"date\":\"" + day + "\"}");
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(200);
        return json(response);
    }

    private static BigDecimal fee(BigDecimal amount) {
        return amount.multiply(WechatPaySandbox.FEE_RATE).setScale(2, RoundingMode.HALF_UP);
    }

    private record Planted(List<String> references, List<BigDecimal> amounts, List<Long> refundIds, List<String> refundReferences) {
    }

    /** {@code payments} payments and {@code refunds} refunds of {@code day} in the CRM, at WeChat Pay and in SAP alike. */
    private Planted plant(LocalDate day, int payments, int refunds, String tag) {
        Timestamp now = Timestamp.from(java.time.Instant.now());
        Timestamp paidAt = Timestamp.from(day.atTime(12, 0).atZone(BEIJING).toInstant());
        String successTime = day + "T12:00:00+08:00";
        String name = "Statement Co " + tag;
        StatementPlanting.CustomerOrder planted = StatementPlanting.customerWithOrder(batch, jdbc, SAP, name, 2_000_000, "SO-ST-" + tag, "CNY");
        String partner = planted.partner();
        long order = planted.order();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < payments; i++) {
            BigDecimal amount = new BigDecimal(10 + i % 900).add(new BigDecimal(i % 100).movePointLeft(2));
            rows.add(new Object[]{order, tag + "-PAY-" + i, "4200" + tag.hashCode() % 10 + String.format("%023d", i), amount, now, now, paidAt});
        }
        batch.batchUpdate("""
                INSERT INTO payment (order_id, payment_reference, provider, provider_txn_id, status, currency, amount, refunded_amount,
                                     version, created_at, updated_at, paid_at)
                VALUES (?, ?, 'wechatpay', ?, 'SUCCEEDED', 'CNY', ?, 0, 1, ?, ?, ?)""", rows);
        List<String> references = new ArrayList<>();
        List<BigDecimal> amounts = new ArrayList<>();
        List<Long> paymentIds = new ArrayList<>();
        jdbc.sql("SELECT id, payment_reference, provider_txn_id, amount FROM payment WHERE order_id = ? ORDER BY id").param(order).query(rs -> {
            String reference = rs.getString(2);
            BigDecimal amount = rs.getBigDecimal(4).setScale(2);
            references.add(reference);
            amounts.add(amount);
            paymentIds.add(rs.getLong(1));
            ObjectNode o = mapper.createObjectNode().put("out_trade_no", reference).put("transaction_id", rs.getString(3))
                    .put("trade_state", "SUCCESS").put("success_time", successTime).put("description", "Order " + tag);
            o.putObject("amount").put("total", amount.movePointRight(2).longValueExact()).put("currency", "CNY");
            WECHAT.wechatPay().orders().put(reference, o);
            SAP.sap().journal().plantCustomerLine(CanonicalPayment.receiptReference(rs.getLong(1)), partner, amount.negate(), "CNY", day);
        });
        List<Long> refundIds = new ArrayList<>();
        List<String> refundReferences = new ArrayList<>();
        for (int i = 0; i < refunds; i++) {
            long paymentId = paymentIds.get(i * 7);
            String reference = references.get(i * 7) + "-R1";
            BigDecimal amount = new BigDecimal("1.00").add(BigDecimal.valueOf(i));
            batch.update("""
                    INSERT INTO refund (payment_id, refund_reference, provider_refund_id, status, currency, amount, requested_by, created_at, updated_at)
                    VALUES (?, ?, ?, 'SUCCEEDED', 'CNY', ?, 'finance', ?, ?)""", paymentId, reference, "5030" + tag + i, amount, paidAt, paidAt);
            batch.update("UPDATE payment SET refunded_amount = ? WHERE id = ?", amount, paymentId);
            long refundId = jdbc.sql("SELECT id FROM refund WHERE refund_reference = ?").param(reference).query(Long.class).single();
            refundIds.add(refundId);
            refundReferences.add(reference);
            ObjectNode r = mapper.createObjectNode().put("out_refund_no", reference).put("out_trade_no", references.get(i * 7))
                    .put("refund_id", "5030" + tag + i).put("transaction_id", "x").put("status", "SUCCESS").put("create_time", successTime);
            r.putObject("amount").put("refund", amount.movePointRight(2).longValueExact()).put("currency", "CNY");
            WECHAT.wechatPay().refunds().put(reference, r);
            SAP.sap().journal().plantCustomerLine(CanonicalPayment.refundReference(refundId), partner, amount, "CNY", day);
        }
        return new Planted(references, amounts, refundIds, refundReferences);
    }
}
