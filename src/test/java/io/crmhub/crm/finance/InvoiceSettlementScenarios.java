package io.crmhub.crm.finance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.support.HubIntegrationTest;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * Tax and settlement end to end, whatever the installation's ERP (D46, D47): an order with tax-inclusive or
 * tax-exclusive prices goes to the ERP (its sandbox) so that the ERP's invoice gross is what the customer pays; the
 * invoice comes back with net, tax and lines as the ERP states them; payments recorded from provider notifications are
 * allocated to it (before or after it exists, in full or in part) and the overdue check looks only at what is open.
 */
abstract class InvoiceSettlementScenarios extends HubIntegrationTest {
    @Autowired
    InvoiceIngest ingest;
    @Autowired
    OverdueInvoices overdue;

    /** Has the ERP (sandbox) bill the order now; answers the invoice number. */
    abstract String issueInvoice(String erpOrder);

    /** Has the ERP credit the invoice in full (SAP credit memo, Kingdee red receivable); answers the credit note's number. */
    abstract String creditInFull(String invoice);

    /** Whether the ERP states each invoice line's rate (Kingdee) or only its amounts (SAP). */
    abstract boolean statesLineRates();

    @Test
    void aTaxInclusiveOrderIsInvoicedByTheErpAtWhatTheCustomerPaysWithNetAndTaxStated() {
        SyncedOrder order = confirmedOrderInErp("Gross Co"); // 2 × 88.00, tax-inclusive by default, VAT13
        JsonNode view = json(call("sales", HttpMethod.GET, "/api/orders/" + order.id(), null));
        assertThat(view.path("totalAmount").decimalValue()).isEqualByComparingTo("176.00");
        assertThat(view.path("netAmount").decimalValue()).isEqualByComparingTo("155.75");
        assertThat(view.path("taxAmount").decimalValue()).isEqualByComparingTo("20.25");
        assertThat(view.path("lines").get(0).path("taxCode").asText()).isEqualTo("VAT13");

        JsonNode invoice = invoice(issueAndPoll(order.externalId()));
        assertThat(invoice.path("totalAmount").decimalValue()).as(invoice.toString()).isEqualByComparingTo("176.00");
        assertThat(invoice.path("netAmount").decimalValue()).isEqualByComparingTo("155.75");
        assertThat(invoice.path("taxAmount").decimalValue()).isEqualByComparingTo("20.25");
        assertThat(invoice.path("lines")).hasSize(1);
        assertThat(invoice.path("lines").get(0).path("grossAmount").decimalValue()).isEqualByComparingTo("176.00");
        if (statesLineRates()) {
            assertThat(invoice.path("lines").get(0).path("taxRate").decimalValue()).isEqualByComparingTo("0.13");
        }
        assertThat(invoice.path("status").asText()).isEqualTo("OPEN");
        assertThat(invoice.path("openAmount").decimalValue()).isEqualByComparingTo("176.00");
    }

    @Test
    void aTaxExclusiveOrderChargesNetPlusTaxAndTheErpBillsExactlyThat() {
        long customer = createCustomer("Net Co " + System.nanoTime(), uniquePhone(), "CN");
        ResponseEntity<String> created = call("sales", HttpMethod.POST, "/api/orders", """
                {"customerId":%d,"currency":"CNY","status":"CONFIRMED","pricesIncludeTax":false,
                 "lines":[{"sku":"TEA-01","quantity":2,"unit":"EA","unitPrice":"88.00","taxCode":"VAT13"},
                          {"sku":"SVC-01","quantity":1,"unit":"EA","unitPrice":"50.00","taxCode":"vat9"}]}""".formatted(customer));
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        JsonNode order = json(created);
        assertThat(order.path("totalAmount").decimalValue()).isEqualByComparingTo("253.38"); // 198.88 + 54.50
        assertThat(order.path("taxAmount").decimalValue()).isEqualByComparingTo("27.38");
        String erpOrder = awaitPosted("ORDER", order.path("id").asLong());
        JsonNode invoice = invoice(issueAndPoll(erpOrder));
        assertThat(invoice.path("totalAmount").decimalValue()).as(invoice.toString()).isEqualByComparingTo("253.38");
        assertThat(invoice.path("netAmount").decimalValue()).isEqualByComparingTo("226.00");
        assertThat(invoice.path("taxAmount").decimalValue()).isEqualByComparingTo("27.38");
    }

    @Test
    void anUnknownTaxCodeIsRefusedNamingTheLine() {
        long customer = createCustomer("Code Co " + System.nanoTime(), uniquePhone(), "CN");
        ResponseEntity<String> refused = call("sales", HttpMethod.POST, "/api/orders", """
                {"customerId":%d,"currency":"CNY","lines":[{"sku":"A","quantity":1,"unit":"EA","unitPrice":"1.00"},
                 {"sku":"B","quantity":1,"unit":"EA","unitPrice":"1.00","taxCode":"VAT17"}]}""".formatted(customer));
        assertThat(refused.getStatusCode().value()).isEqualTo(400);
        assertThat(refused.getBody()).contains("lines[1].taxCode").contains("is not a known tax code");
    }

    @Test
    void paymentInFullBeforeTheInvoiceIsAllocatedWhenItArrivesAndTheInvoiceIsNeverOverdue() {
        SyncedOrder order = confirmedOrderInErp("Paid First Co");
        String txn = paymentNotified(order.id(), "176.00");
        long paymentId = awaitPayment(txn);
        String number = issueAndPoll(order.externalId());
        JsonNode invoice = invoice(number);
        assertThat(invoice.path("status").asText()).as(invoice.toString()).isEqualTo("PAID");
        assertThat(invoice.path("paidAmount").decimalValue()).isEqualByComparingTo("176.00");
        assertThat(invoice.path("openAmount").decimalValue()).isEqualByComparingTo("0");
        assertThat(invoice.path("allocations")).singleElement()
                .satisfies(a -> assertThat(a.path("paymentId").asLong()).isEqualTo(paymentId));

        jdbc.sql("UPDATE invoice SET due_date = ? WHERE invoice_number = ?").params(Date.valueOf(LocalDate.now().minusDays(3)), number).update();
        overdue.check();
        assertThat(jdbc.sql("SELECT overdue FROM invoice WHERE invoice_number = ?").param(number).query(Boolean.class).single())
                .as("a paid invoice is never overdue").isFalse();
        assertThat(json(call("finance", HttpMethod.GET, "/api/invoices?status=PAID&orderId=" + order.id(), null)).path("totalItems").asInt())
                .isEqualTo(1);
    }

    @Test
    void aPartialPaymentLeavesTheRightOpenAmountWhichIsOverdueUntilTheRestArrives() {
        SyncedOrder order = confirmedOrderInErp("Part Payer Co");
        String number = issueAndPoll(order.externalId());
        awaitPayment(paymentNotified(order.id(), "100.00"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "PARTIALLY_PAID".equals(invoice(number).path("status").asText()));
        JsonNode invoice = invoice(number);
        assertThat(invoice.path("paidAmount").decimalValue()).isEqualByComparingTo("100.00");
        assertThat(invoice.path("openAmount").decimalValue()).isEqualByComparingTo("76.00");

        jdbc.sql("UPDATE invoice SET due_date = ? WHERE invoice_number = ?").params(Date.valueOf(LocalDate.now().minusDays(3)), number).update();
        overdue.check();
        JsonNode listed = null;
        for (JsonNode item : json(call("finance", HttpMethod.GET, "/api/finance/overdue?size=200", null)).path("items")) {
            if (item.path("invoiceNumber").asText().equals(number)) {
                listed = item;
            }
        }
        assertThat(listed).as("past due with 76.00 open").isNotNull();
        assertThat(listed.path("outstanding").decimalValue()).isEqualByComparingTo("76.00");

        awaitPayment(paymentNotified(order.id(), "76.00"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "PAID".equals(invoice(number).path("status").asText()));
        assertThat(invoice(number).path("allocations")).hasSize(2);
        assertThat(invoice(number).path("overdue").asBoolean()).as("paid: no longer overdue, at once").isFalse();
    }

    @Test
    void anInvoicePaidBeforeSettlementExistedIsSettledByTheDailyCheck() {
        SyncedOrder order = confirmedOrderInErp("Upgraded Co");
        String number = issueAndPoll(order.externalId());
        // a payment recorded as before V15: its row only, no allocation (as an upgraded database holds it)
        jdbc.sql("""
                INSERT INTO payment (order_id, payment_reference, provider, provider_txn_id, status, currency, amount, refunded_amount,
                                     version, created_at, updated_at, paid_at)
                VALUES (?, ?, 'wechatpay', ?, 'SUCCEEDED', 'CNY', 176.00, 0, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""")
                .params(order.id(), "LEGACY-" + order.id(), transactionId()).update();
        assertThat(invoice(number).path("status").asText()).isEqualTo("OPEN");
        overdue.check();
        assertThat(invoice(number).path("status").asText()).isEqualTo("PAID");
        assertThat(invoice(number).path("paidAmount").decimalValue()).isEqualByComparingTo("176.00");
    }

    @Test
    void anInvoiceTheErpCreditsInFullIsCreditedNothingIsOpenAndItIsNeverOverdue() {
        SyncedOrder order = confirmedOrderInErp("Credited Co");
        String number = issueAndPoll(order.externalId());
        jdbc.sql("UPDATE invoice SET due_date = ? WHERE invoice_number = ?").params(Date.valueOf(LocalDate.now().minusDays(2)), number).update();
        overdue.check();
        assertThat(invoice(number).path("overdue").asBoolean()).isTrue();
        String credit = creditInFull(number);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            ingest.poll();
            return jdbc.sql("SELECT COUNT(*) FROM invoice WHERE invoice_number = ?").param(credit).query(Long.class).single() == 1;
        });
        JsonNode credited = invoice(number);
        assertThat(credited.path("status").asText()).as(credited.toString()).isEqualTo("CREDITED");
        assertThat(credited.path("creditedAmount").decimalValue()).isEqualByComparingTo("176.00");
        assertThat(credited.path("openAmount").decimalValue()).isEqualByComparingTo("0");
        assertThat(credited.path("overdue").asBoolean()).as("nothing open: no longer overdue").isFalse();
        JsonNode note = invoice(credit);
        assertThat(note.path("kind").asText()).isEqualTo("CREDIT_NOTE");
        assertThat(note.path("totalAmount").decimalValue()).isEqualByComparingTo("176.00");
        assertThat(note.path("openAmount").decimalValue()).isEqualByComparingTo("0");
        overdue.check();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM invoice WHERE overdue = TRUE AND invoice_number IN (?, ?)").params(number, credit)
                .query(Long.class).single()).isZero();
    }

    // ---- helpers ----

    String issueAndPoll(String erpOrder) {
        String number = issueInvoice(erpOrder);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            ingest.poll();
            return jdbc.sql("SELECT COUNT(*) FROM invoice WHERE invoice_number = ?").param(number).query(Long.class).single() == 1;
        });
        return number;
    }

    JsonNode invoice(String number) {
        long id = jdbc.sql("SELECT id FROM invoice WHERE invoice_number = ?").param(number).query(Long.class).single();
        return json(call("finance", HttpMethod.GET, "/api/invoices/" + id, null));
    }
}
