package io.crmhub.crm.finance;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmhub.sandbox.KingdeeSandbox;
import io.crmhub.support.KingdeeHubIntegrationTest;
import io.crmhub.support.KingdeeTestServer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * ERP invoices → CRM with Kingdee as the ERP: receivables ({@code AR_receivable}) polled by {@code FModifyDate} through
 * ExecuteBillQuery (array of arrays), matched to CRM orders through the sales order their entries name; the same
 * {@link InvoiceIngest} and reconciliation as with SAP.
 */
class KingdeeInvoiceIngestIT extends KingdeeHubIntegrationTest {
    @Autowired
    InvoiceIngest ingest;

    @Test
    void aKingdeeReceivableForAnOrderArrivesOnceWithItsAmountDueDateAndTimelineEntry() {
        SyncedOrder order = confirmedOrderInErp("Receivable Co");
        String receivable = KingdeeTestServer.kingdee().issueReceivable(order.externalId());

        InvoiceIngest.Outcome outcome = ingest.poll();
        assertThat(outcome.invoices()).isGreaterThanOrEqualTo(1);
        record Row(long orderId, String status, BigDecimal total, LocalDate issued, LocalDate due, String currency) {
        }
        Row row = jdbc.sql("SELECT order_id, status, total_amount, issue_date, due_date, currency FROM invoice WHERE invoice_number = ?")
                .param(receivable).query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getBigDecimal(3),
                        rs.getDate(4).toLocalDate(), rs.getDate(5).toLocalDate(), rs.getString(6))).single();
        assertThat(row.orderId()).isEqualTo(order.id());
        assertThat(row.status()).isEqualTo("OPEN");
        assertThat(row.total()).isEqualByComparingTo("176.00"); // 2 × 88.00, tax-inclusive prices
        assertThat(row.currency()).isEqualTo("CNY");             // FCURRENCYID.FCode of PRE001
        assertThat(row.due()).isEqualTo(row.issued().plusDays(30)); // Kingdee's own FENDDATE_H
        KingdeeTestServer.wireMock().verify(postRequestedFor(urlPathEqualTo(KingdeeSandbox.QUERY_PATH))
                .withRequestBody(matchingJsonPath("$.data.FormId", equalTo("AR_receivable")))
                .withRequestBody(containing("FModifyDate>="))
                .withRequestBody(matchingJsonPath("$.data.OrderString", containing("FModifyDate ASC"))));

        assertThat(ingest.poll().invoices()).as("nothing new since the watermark").isZero();
        assertThat(jdbc.sql("SELECT version FROM invoice WHERE invoice_number = ?")
                .param(receivable).query(Long.class).single()).as("stored once, not rewritten").isEqualTo(1);
        List<String> kinds = new ArrayList<>();
        json(call("sales", HttpMethod.GET, "/api/orders/" + order.id() + "/timeline", null)).path("events")
                .forEach(e -> kinds.add(e.path("kind").asText() + " " + e.path("externalId").asText()));
        assertThat(kinds).containsExactly("ERP_ORDER_CREATED " + order.externalId(), "INVOICE_ISSUED " + receivable);
    }

    @Test
    void aVoidedReceivableIsReadAgainByItsNewModifyDateAndCancelsTheInvoice() {
        SyncedOrder order = confirmedOrderInErp("Voided Receivable Co");
        String receivable = KingdeeTestServer.kingdee().issueReceivable(order.externalId());
        ingest.poll();
        KingdeeTestServer.kingdee().cancelReceivable(receivable);

        assertThat(ingest.poll().invoices()).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.sql("SELECT status FROM invoice WHERE invoice_number = ?").param(receivable).query(String.class).single())
                .isEqualTo("CANCELLED");
    }

    @Test
    void reconciliationReadsKingdeesSideAndFindsAReceivableOffByOneCent() {
        SyncedOrder order = confirmedOrderInErp("Reconciled Co");
        String receivable = KingdeeTestServer.kingdee().issueReceivable(order.externalId());
        ingest.poll();
        LocalDate issued = jdbc.sql("SELECT issue_date FROM invoice WHERE invoice_number = ?").param(receivable)
                .query(java.sql.Date.class).single().toLocalDate();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate from = issued.isBefore(today) ? issued : today;
        LocalDate to = issued.isAfter(today) ? issued : today;

        KingdeeTestServer.kingdee().close(order.externalId()); // stocked out in full, then closed: done, not cancelled
        JsonNode clean = report(from, to);
        assertThat(clean.path("system").asText()).isEqualTo("erp-kingdee");
        assertThat(mentions(clean, order.externalId())).as(clean.path("mismatches").toString()).isFalse();
        assertThat(mentions(clean, receivable)).as(clean.path("mismatches").toString()).isFalse();

        ObjectNode bill = KingdeeTestServer.kingdee().receivable(receivable);
        bill.put("FALLAMOUNTFOR", bill.path("FALLAMOUNTFOR").decimalValue().add(new BigDecimal("0.01")));
        assertThat(mentions(report(from, to), receivable)).isTrue();
    }

    // ---- helpers ----

    private JsonNode report(LocalDate from, LocalDate to) {
        ResponseEntity<String> response = call("finance", HttpMethod.GET, "/api/finance/reconciliation?from=" + from + "&to=" + to, null);
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(200);
        return json(response);
    }

    private static boolean mentions(JsonNode report, String reference) {
        for (JsonNode m : report.path("mismatches")) {
            if (reference.equals(m.path("reference").asText()) || reference.equals(m.path("externalId").asText())) {
                return true;
            }
        }
        return false;
    }
}
