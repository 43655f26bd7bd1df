package io.crmhub.crm.finance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.CanonicalPayment;
import io.crmhub.sandbox.SapSandboxServer;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import io.crmhub.support.TestDatabases;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The finance rule {@code crmhub.payments.review.posting=hold}: a payment flagged for review is not posted to the ERP
 * until finance releases it (a reconciliation resync); reconciliation shows it as held, not as missing.
 */
@TestPropertySource(properties = "crmhub.payments.review.posting=hold")
class ReviewPaymentsHeldIT extends HubIntegrationTest {
    /** An SAP of its own: this hub's store numbers its orders from 1 again, which must not meet the shared SAP's. */
    private static final SapSandboxServer SAP = SapSandboxServer.start(0, SapTestServer.USER, SapTestServer.PASSWORD);

    @DynamicPropertySource
    static void ownStoreAndSap(DynamicPropertyRegistry registry) {
        registry.add("crmhub.test.sap-url", SAP::baseUrl);
        TestDatabases.own(registry, "review-held");
    }

    @Test
    void anOverPaymentIsHeldBackFromTheErpUntilFinanceReleasesIt() {
        SyncedOrder order = confirmedOrderInErp("Held Review Co");
        long first = awaitPayment(paymentNotified(order.id(), "176.00"));
        awaitPosted("PAYMENT", first);

        long second = awaitPayment(paymentNotified(order.id(), "176.00"));
        assertThat(jdbc.sql("SELECT status FROM payment WHERE id = ?").param(second).query(String.class).single()).isEqualTo("NEEDS_REVIEW");
        String reference = CanonicalPayment.receiptReference(second);
        awaitFlowsIdle();
        assertThat(postings(reference)).as("held back from the ERP").isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM outbox WHERE aggregate_type = 'payment' AND aggregate_id = ?")
                .param(String.valueOf(second)).query(Long.class).single()).isZero();

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonNode report = json(call("finance", HttpMethod.GET, "/api/finance/reconciliation?from=" + today + "&to=" + today, null));
        JsonNode held = null;
        for (JsonNode m : report.path("mismatches")) {
            if (reference.equals(m.path("reference").asText())) {
                held = m;
            }
        }
        assertThat(held).as(report.toString()).isNotNull();
        assertThat(held.path("kind").asText()).isEqualTo("HELD_FOR_REVIEW");
        assertThat(held.path("resync").path("entity").asText()).isEqualTo("PAYMENT");

        var released = call("finance", HttpMethod.POST, "/api/finance/reconciliation/resync",
                "{\"entity\":\"PAYMENT\",\"id\":" + second + "}");
        assertThat(released.getStatusCode().value()).as(released.getBody()).isEqualTo(202);
        awaitPosted("PAYMENT", second);
        assertThat(postings(reference)).isEqualTo(1);
    }

    private static long postings(String reference) {
        return SAP.sap().journal().items(reference).size() / 2; // a receipt is two lines: bank and customer
    }
}
