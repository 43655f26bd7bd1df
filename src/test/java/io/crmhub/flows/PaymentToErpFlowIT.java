package io.crmhub.flows;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmhub.crm.canonical.CanonicalPayment;
import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.sandbox.SapJournalEntrySandbox;
import io.crmhub.support.SapTestServer;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PaymentToErpScenarios} with SAP S/4HANA: a payment is a DZ journal entry posted through the SOAP service
 * Journal Entry - Post (bank clearing account against the customer), found again through
 * {@code API_OPLACCTGDOCITEMCUBE_SRV}.
 */
class PaymentToErpFlowIT extends PaymentToErpScenarios {

    @Test
    void theJournalEntryDebitsTheProvidersClearingAccountAndCarriesOurReferenceOverSoap() {
        SyncedOrder order = confirmedOrderInErp("Journal Entry Co");
        String txn = transactionId();
        notify(io.crmhub.crm.canonical.PaymentNotification.Kind.PAYMENT_SUCCEEDED, orderNumber(order.id()), txn, "20.00");
        long paymentId = awaitPayment(txn);
        String document = awaitPosted("PAYMENT", paymentId);
        String reference = CanonicalPayment.receiptReference(paymentId);

        List<ObjectNode> lines = SapTestServer.sap().journal().items(reference);
        assertThat(lines).extracting(l -> l.path("FinancialAccountType").asText() + " " + l.path("GLAccount").asText()
                        + " " + l.path("DebitCreditCode").asText() + " " + l.path("AmountInTransactionCurrency").asText())
                .containsExactly("S 11002010 S 20.00", "D  H -20.00"); // wechatpay's account per mappings/sap/clearing-account
        assertThat(document).isEqualTo(lines.get(0).path("AccountingDocument").asText() + "/1710/" + lines.get(0).path("FiscalYear").asText());
        SapTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(SapJournalEntrySandbox.SOAP_PATH))
                .withHeader("SOAPAction", containing("JournalEntryCreateRequestConfirmation_In"))
                .withRequestBody(containing("<AccountingDocumentType>DZ</AccountingDocumentType>"))
                .withRequestBody(containing("<DocumentReferenceID>" + reference + "</DocumentReferenceID>")));
    }

    @Override
    WireMockServer erp() {
        return SapTestServer.wireMock();
    }

    @Override
    String createPath() {
        return SapJournalEntrySandbox.SOAP_PATH;
    }

    @Override
    String sandboxTransformer() {
        return SapBusinessPartnerSandbox.NAME;
    }

    @Override
    List<Posting> postingsFor(String reference) {
        return SapTestServer.sap().journal().customerItems().stream()
                .filter(i -> i.path("DocumentReferenceID").asText().equals(reference))
                .map(i -> {
                    BigDecimal amount = new BigDecimal(i.path("AmountInTransactionCurrency").asText());
                    // the customer line is credited for money received and debited for money paid back
                    return new Posting(reference, amount.signum() < 0 ? CanonicalPayment.Kind.RECEIPT : CanonicalPayment.Kind.REFUND,
                            amount.abs(), i.path("TransactionCurrency").asText(), i.path("Customer").asText(),
                            i.path("AssignmentReference").asText());
                }).toList();
    }

    @Override
    long creates(String reference) {
        return SapTestServer.wireMock().findAll(postRequestedFor(urlPathEqualTo(SapJournalEntrySandbox.SOAP_PATH))
                .withRequestBody(containing("<DocumentReferenceID>" + reference + "</DocumentReferenceID>"))).size();
    }

    @Override
    String issueInvoice(String salesOrder) {
        return SapTestServer.sap().issueInvoice(salesOrder);
    }
}
