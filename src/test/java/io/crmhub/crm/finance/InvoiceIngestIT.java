package io.crmhub.crm.finance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * ERP invoices → CRM: SAP billing documents (the sandbox behind WireMock) read incrementally by change time with the
 * watermark in the database, matched to CRM orders through the sales order they bill, shown on the order's
 * timeline; overdue ones flagged for finance.
 */
class InvoiceIngestIT extends HubIntegrationTest {
    @Autowired
    InvoiceIngest ingest;

    @Test
    void anSapInvoiceForAnOrderArrivesOnceWithItsAmountDueDateAndTimelineEntry() {
        SyncedOrder order = confirmedOrderInErp("Invoice Co");
        String billing = SapTestServer.sap().issueInvoice(order.externalId());

        JsonNode outcome = json(call("finance", HttpMethod.POST, "/api/finance/invoices/poll", null));
        assertThat(outcome.path("invoices").asInt()).isGreaterThanOrEqualTo(1);
        record Row(long orderId, String status, BigDecimal total, LocalDate issued, LocalDate due) {
        }
        Row row = jdbc.sql("SELECT order_id, status, total_amount, issue_date, due_date FROM invoice WHERE invoice_number = ?")
                .param(billing).query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getBigDecimal(3),
                        rs.getDate(4).toLocalDate(), rs.getDate(5).toLocalDate())).single();
        assertThat(row.orderId()).isEqualTo(order.id());
        assertThat(row.status()).isEqualTo("OPEN");
        assertThat(row.total()).isEqualByComparingTo("176.00"); // what the customer pays: 155.75 net + 20.25 VAT (tax-inclusive prices)
        assertThat(row.due()).isEqualTo(row.issued().plusDays(30)); // NT30 through mappings/sap/payment-terms.yaml

        assertThat(json(call("finance", HttpMethod.POST, "/api/finance/invoices/poll", null)).path("invoices").asInt())
                .as("nothing new since the watermark").isZero();
        assertThat(jdbc.sql("SELECT version FROM invoice WHERE invoice_number = ?")
                .param(billing).query(Long.class).single()).as("stored once, not rewritten").isEqualTo(1);

        List<String> kinds = new ArrayList<>();
        json(call("sales", HttpMethod.GET, "/api/orders/" + order.id() + "/timeline", null)).path("events")
                .forEach(e -> kinds.add(e.path("kind").asText() + " " + e.path("externalId").asText()));
        assertThat(kinds).containsExactly("ERP_ORDER_CREATED " + order.externalId(), "INVOICE_ISSUED " + billing);
    }

    @Test
    void twoPollersAtOnceNeverStoreTheSameWindowTwice() throws Exception {
        List<String> issued = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            issued.add(SapTestServer.sap().issueInvoice(confirmedOrderInErp("Window Co " + i).externalId()));
        }
        int before = billingRequests().size();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<InvoiceIngest.Outcome>> polls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            polls.add(pool.submit((Callable<InvoiceIngest.Outcome>) ingest::poll));
        }
        int stored = 0;
        for (Future<InvoiceIngest.Outcome> p : polls) {
            stored += p.get().invoices();
        }
        pool.shutdown();
        // the hub's own scheduled poll may take some of them first (it is a third poller on the same watermark); what
        // must hold is that no invoice is stored twice, whoever stored it (checked per invoice below)
        assertThat(stored).as("the two pollers stored no invoice twice").isLessThanOrEqualTo(6);
        for (String number : issued) {
            assertThat(jdbc.sql("SELECT version FROM invoice WHERE invoice_number = ?")
                    .param(number).query(Long.class).single()).as("stored once, not rewritten").isEqualTo(1);
        }
        List<String> windows = new ArrayList<>(billingRequests().subList(0, billingRequests().size() - before).stream()
                .map(e -> e.getRequest().getUrl().replaceAll(".*datetimeoffset'([^']+)'.*", "$1")).toList());
        java.util.Collections.reverse(windows); // the journal lists the newest first
        assertThat(windows).as("each poll (ours, or the scheduler's) starts where the one before stopped, never before").isSorted()
                .hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void anInvoiceWithAnUnmappedPaymentTermIsParkedNamingTableAndCodeTheOthersArriveAndAReplayAfterTheFixStoresIt() {
        SyncedOrder order = confirmedOrderInErp("Terms Co");
        SyncedOrder next = confirmedOrderInErp("Terms Next Co");
        ingest.poll();
        String odd = SapTestServer.sap().issueInvoice(order.externalId());
        SapTestServer.sap().billingDocuments().get(odd).put("CustomerPaymentTerms", "Z999");
        String fine = SapTestServer.sap().issueInvoice(next.externalId());
        try {
            ingest.poll(); // goes on past the invoice it cannot take over
            assertThat(parkedReason(InvoiceIngest.FLOW, "invoice:" + odd)).isEqualTo("value map sap/payment-terms v1 has no entry for 'Z999'");
            assertThat(jdbc.sql("SELECT COUNT(*) FROM invoice WHERE invoice_number = ?").param(odd).query(Long.class).single()).isZero();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM invoice WHERE invoice_number = ?").param(fine).query(Long.class).single()).isOne();
            JsonNode failures = json(call("engineer", HttpMethod.GET, "/api/ops/failures?flow=" + InvoiceIngest.FLOW, null));
            assertThat(failures.toString()).contains("invoice:" + odd).contains("Z999");

            // the engineer fixes the table (here: the code becomes one it knows, without a new change in SAP) and replays
            SapTestServer.sap().billingDocuments().get(odd).put("CustomerPaymentTerms", "NT30");
            long parkedId = jdbc.sql("SELECT id FROM parked_message WHERE flow = ? AND entity_key = ?")
                    .params(InvoiceIngest.FLOW, "invoice:" + odd).query(Long.class).single();
            JsonNode replay = json(call("engineer", HttpMethod.POST, "/api/ops/failures/" + parkedId + "/replay", "{\"reason\":\"terms mapped\"}"));
            assertThat(replay.path("replayed").asInt()).as(replay.toString()).isEqualTo(1);
            // the rewind makes the poller read at once, not at its next interval
            await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql("SELECT COUNT(*) FROM invoice WHERE invoice_number = ?")
                    .param(odd).query(Long.class).single() == 1);
            List<java.sql.Date> dates = jdbc.sql("SELECT issue_date, due_date FROM invoice WHERE invoice_number = ?").param(odd)
                    .query((rs, n) -> List.of(rs.getDate(1), rs.getDate(2))).single();
            assertThat(dates.get(1).toLocalDate()).isEqualTo(dates.get(0).toLocalDate().plusDays(30));
            assertThat(jdbc.sql("SELECT status FROM parked_message WHERE id = ?").param(parkedId).query(String.class).single()).isEqualTo("RESOLVED");
            assertThat(jdbc.sql("SELECT version FROM invoice WHERE invoice_number = ?")
                    .param(fine).query(Long.class).single()).as("the re-read window stores nothing twice").isOne();
        } finally {
            SapTestServer.sap().billingDocuments().remove(odd); // the SAP stand-in is shared by every test class
        }
    }

    @Test
    void anOpenInvoicePastItsDueDateIsFlaggedOnceListedForFinanceAndClearedWhenPaid() {
        SyncedOrder order = confirmedOrderInErp("Overdue Co");
        String billing = SapTestServer.sap().issueInvoice(order.externalId());
        ingest.poll();
        jdbc.sql("UPDATE invoice SET due_date = ? WHERE invoice_number = ?").params(java.sql.Date.valueOf(LocalDate.now().minusDays(5)), billing).update();

        assertThat(call("sales", HttpMethod.GET, "/api/finance/overdue", null).getStatusCode().value()).isEqualTo(403);
        JsonNode check = json(call("finance", HttpMethod.POST, "/api/finance/overdue/check", null));
        assertThat(check.path("flagged").asInt()).isGreaterThanOrEqualTo(1);
        json(call("finance", HttpMethod.POST, "/api/finance/overdue/check", null)); // again: nothing new for this one
        JsonNode listed = null;
        for (JsonNode item : json(call("finance", HttpMethod.GET, "/api/finance/overdue", null)).path("items")) {
            if (item.path("invoiceNumber").asText().equals(billing)) {
                listed = item;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.path("outstanding").decimalValue()).isEqualByComparingTo("176.00");
        assertThat(listed.path("daysOverdue").asLong()).isBetween(4L, 6L);
        assertThat(jdbc.sql("SELECT version FROM invoice WHERE invoice_number = ?")
                .param(billing).query(Long.class).single()).as("stored (v1), then flagged overdue once (v2)").isEqualTo(2);

        awaitPayment(paymentNotified(order.id(), "176.00")); // paid through the CRM: the settlement clears the flag at once
        await().atMost(Duration.ofSeconds(10)).until(() -> !jdbc.sql("SELECT overdue FROM invoice WHERE invoice_number = ?")
                .param(billing).query(Boolean.class).single());
        assertThat(jdbc.sql("SELECT status FROM invoice WHERE invoice_number = ?").param(billing).query(String.class).single()).isEqualTo("PAID");
        json(call("finance", HttpMethod.POST, "/api/finance/overdue/check", null));
        assertThat(jdbc.sql("SELECT overdue FROM invoice WHERE invoice_number = ?").param(billing).query(Boolean.class).single())
                .as("the daily check does not flag it again").isFalse();
    }

    // ---- helpers ----

    private List<ServeEvent> billingRequests() {
        return SapTestServer.wireMock().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith(SapBusinessPartnerSandbox.BILLING_PATH)).toList();
    }
}
