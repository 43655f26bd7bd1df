package io.crmhub.flows;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.crmhub.crm.canonical.CanonicalPayment;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.support.HubIntegrationTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

/**
 * crm-to-erp.payment-post end to end, whatever the installation's ERP: a verified provider notification in the inbox
 * → payment-to-crm.record-payment (payment recorded once) → outbox → Artemis → crm-to-erp.payment-post → the ERP's
 * posting (its sandbox behind WireMock) → external link. The same scenarios for every ERP; each test class supplies
 * how to read and disturb its ERP.
 */
abstract class PaymentToErpScenarios extends HubIntegrationTest {

    /** A posting as the ERP holds it, in the hub's terms. */
    record Posting(String reference, CanonicalPayment.Kind kind, BigDecimal amount, String currency, String customer,
                   String clearingReference) {
    }


    // ---- what each ERP supplies ----

    abstract WireMockServer erp();

    /** Where a new posting is sent. */
    abstract String createPath();

    abstract String sandboxTransformer();

    /** Postings the ERP holds with our reference. */
    abstract List<Posting> postingsFor(String reference);

    /** Create requests sent for our reference. */
    abstract long creates(String reference);

    /** The ERP bills the sales order; returns the invoice number. */
    abstract String issueInvoice(String externalOrderId);

    // ---- scenarios ----

    @Test
    void aPaymentIsPostedOnceToTheErpForItsCustomerWithTheExactAmountAndAResentNotificationAddsNothing() {
        SyncedOrder order = confirmedOrderInErp("Receipt Co");
        String txn = transactionId();
        notify(PaymentNotification.Kind.PAYMENT_SUCCEEDED, orderNumber(order.id()), txn, "100.05");
        long paymentId = awaitPayment(txn);
        String reference = CanonicalPayment.receiptReference(paymentId);
        String document = awaitPosted("PAYMENT", paymentId);

        assertThat(postingsFor(reference)).containsExactly(new Posting(reference, CanonicalPayment.Kind.RECEIPT,
                new BigDecimal("100.05"), "CNY", customerInErp(order.id()), orderNumber(order.id())));
        assertThat(document).isNotBlank();
        assertThat(creates(reference)).isEqualTo(1);

        // the provider re-sends the same transaction under a new event id: recorded once, posted once
        notify(PaymentNotification.Kind.PAYMENT_SUCCEEDED, orderNumber(order.id()), txn, "100.05");
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL")
                .query(Long.class).single() == 0);
        assertThat(postingsFor(reference)).hasSize(1);
        assertThat(creates(reference)).isEqualTo(1);
    }

    @Test
    void anOverPaymentFlaggedForReviewIsStillPostedByDefaultBecauseTheMoneyArrived() {
        SyncedOrder order = confirmedOrderInErp("Over Payment Co");
        long first = awaitPayment(paymentNotified(order.id(), "176.00"));
        long second = awaitPayment(paymentNotified(order.id(), "176.00"));
        assertThat(jdbc.sql("SELECT status FROM payment WHERE id = ?").param(second).query(String.class).single()).isEqualTo("NEEDS_REVIEW");
        awaitPosted("PAYMENT", first);
        awaitPosted("PAYMENT", second); // crmhub.payments.review.posting=post (the default)
        assertThat(postingsFor(CanonicalPayment.receiptReference(second))).hasSize(1);
    }


    @Test
    void aPaymentAfterTheErpBilledTheOrderIsClearedAgainstThatInvoice() {
        SyncedOrder order = confirmedOrderInErp("Invoice Clearing Co");
        String invoice = issueInvoice(order.externalId());
        assertThat(call("finance", HttpMethod.POST, "/api/finance/invoices/poll", null).getStatusCode().value()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("SELECT COUNT(*) FROM invoice WHERE invoice_number = ?")
                .param(invoice).query(Long.class).single() == 1);

        String txn = transactionId();
        notify(PaymentNotification.Kind.PAYMENT_SUCCEEDED, orderNumber(order.id()), txn, "176.00");
        long paymentId = awaitPayment(txn);
        awaitPosted("PAYMENT", paymentId);
        assertThat(postingsFor(CanonicalPayment.receiptReference(paymentId))).singleElement()
                .satisfies(p -> assertThat(p.clearingReference()).isEqualTo(invoice));
    }

    @Test
    void aRefundIsPostedAsItsOwnDocumentBackToTheSameCustomer() {
        SyncedOrder order = confirmedOrderInErp("Refund Posting Co");
        String txn = transactionId();
        notify(PaymentNotification.Kind.PAYMENT_SUCCEEDED, orderNumber(order.id()), txn, "176.00");
        long paymentId = awaitPayment(txn);
        awaitPosted("PAYMENT", paymentId);

        String refundTxn = transactionId();
        notify(PaymentNotification.Kind.REFUND_SUCCEEDED, orderNumber(order.id()), refundTxn, "30.10");
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("SELECT COUNT(*) FROM refund WHERE provider_refund_id = ?")
                .param(refundTxn).query(Long.class).single() == 1);
        long refundId = jdbc.sql("SELECT id FROM refund WHERE provider_refund_id = ?").param(refundTxn).query(Long.class).single();
        awaitPosted("REFUND", refundId);

        String reference = CanonicalPayment.refundReference(refundId);
        assertThat(postingsFor(reference)).containsExactly(new Posting(reference, CanonicalPayment.Kind.REFUND,
                new BigDecimal("30.10"), "CNY", customerInErp(order.id()), orderNumber(order.id())));
        assertThat(postingsFor(CanonicalPayment.receiptReference(paymentId))).hasSize(1);

        List<String> kinds = new java.util.ArrayList<>();
        json(call("sales", HttpMethod.GET, "/api/orders/" + order.id() + "/timeline", null)).path("events")
                .forEach(e -> kinds.add(e.path("kind").asText()));
        assertThat(kinds).containsSubsequence("ERP_ORDER_CREATED", "PAYMENT_RECEIVED", "ERP_PAYMENT_POSTED", "REFUND_COMPLETED",
                "ERP_REFUND_POSTED");
    }

    @Test
    void aLostAnswerIsRetriedWithoutASecondPosting() {
        SyncedOrder order = confirmedOrderInErp("Lost Posting Co");
        // the ERP posts, but its answer never reaches the hub (connection reset after the work is done)
        erp().stubFor(post(urlPathEqualTo(createPath())).atPriority(1).withRequestBody(containing("CRM-P-"))
                .inScenario("lost-posting").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("done")
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER).withTransformers(sandboxTransformer())));
        String txn = transactionId();
        notify(PaymentNotification.Kind.PAYMENT_SUCCEEDED, orderNumber(order.id()), txn, "12.34");
        long paymentId = awaitPayment(txn);
        String reference = CanonicalPayment.receiptReference(paymentId);
        awaitPosted("PAYMENT", paymentId);
        assertThat(creates(reference)).as("one posting, whose answer was lost; the retry found it").isEqualTo(1);
        assertThat(postingsFor(reference)).hasSize(1);
    }

    @Test
    void aThrottledThenFailingErpIsRetriedAndThePaymentPostedOnce() {
        SyncedOrder order = confirmedOrderInErp("Throttled Posting Co");
        // 429 with Retry-After, then a 503, then the ERP works again
        erp().stubFor(post(urlPathEqualTo(createPath())).atPriority(1).withRequestBody(containing("CRM-P-"))
                .inScenario("throttled-posting").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("unavailable")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
        erp().stubFor(post(urlPathEqualTo(createPath())).atPriority(1).withRequestBody(containing("CRM-P-"))
                .inScenario("throttled-posting").whenScenarioStateIs("unavailable").willSetStateTo("recovered")
                .willReturn(aResponse().withStatus(503)));
        String txn = transactionId();
        notify(PaymentNotification.Kind.PAYMENT_SUCCEEDED, orderNumber(order.id()), txn, "7.77");
        long paymentId = awaitPayment(txn);
        String reference = CanonicalPayment.receiptReference(paymentId);
        awaitPosted("PAYMENT", paymentId);
        assertThat(creates(reference)).as("429, 503, then posted").isEqualTo(3);
        assertThat(postingsFor(reference)).hasSize(1);
    }

    @Test
    void aPostingTheErpRefusesIsParkedAtOnceWithTheErpsReasonAndNothingPosted() {
        SyncedOrder order = confirmedOrderInErp("Refused Posting Co");
        long customer = jdbc.sql("SELECT customer_id FROM sales_order WHERE id = ?").param(order.id()).query(Long.class).single();
        // the customer link names an account the ERP does not hold: the ERP's own check refuses the posting
        jdbc.sql("UPDATE external_link SET external_id = ? WHERE entity_type = 'CUSTOMER' AND entity_id = ?")
                .params("NOT-IN-ERP", customer).update();
        String txn = transactionId();
        notify(PaymentNotification.Kind.PAYMENT_SUCCEEDED, orderNumber(order.id()), txn, "5.00");
        long paymentId = awaitPayment(txn);
        await().atMost(Duration.ofSeconds(30)).until(() -> parked(paymentId) == 1);
        assertThat(parkedReason(paymentId)).contains("NOT-IN-ERP");
        assertThat(postingsFor(CanonicalPayment.receiptReference(paymentId))).isEmpty();
    }

    // ---- helpers ----

    String customerInErp(long orderId) {
        return jdbc.sql("""
                SELECT l.external_id FROM external_link l JOIN sales_order o ON o.customer_id = l.entity_id
                WHERE l.entity_type = 'CUSTOMER' AND o.id = ?""").param(orderId).query(String.class).single();
    }

    long parked(long paymentId) {
        return parkedCount("crm-to-erp.payment-post", "payment:" + paymentId);
    }

    String parkedReason(long paymentId) {
        return parkedReason("crm-to-erp.payment-post", "payment:" + paymentId);
    }
}
