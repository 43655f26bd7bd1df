package io.crmhub.connector.erp.sap;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.CanonicalPayment;
import io.crmhub.crm.common.Money;
import io.crmhub.routing.ConnectorResult;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.http.HttpOutcomes;
import io.crmhub.routing.mapping.ValueMaps;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Posts money that moved as an SAP journal entry (connector {@code erp-sap-payment-sink}): SOAP service
 * Journal Entry - Post ({@code JournalEntryCreateRequestConfirmation_In}, synchronous), document type DZ, our reference
 * ({@code CRM-P-…}/{@code CRM-R-…}) in {@code DocumentReferenceID}. A receipt debits the provider's bank clearing account
 * (value map {@code sap/clearing-account}) and credits the customer; a refund the reverse. The customer line carries
 * the invoice number (or our order number until SAP has billed the order) as {@code AssignmentReference}, which is
 * what SAP's automatic clearing matches open items on.
 *
 * <p>SOAP has no idempotency key SAP honours across calls, so a redelivery first looks the posting up by reference in
 * {@code API_OPLACCTGDOCITEMCUBE_SRV} (operational journal entry items): a posting whose answer was lost is found, not
 * posted twice.
 */
public class SapPaymentSink {
    static final String LOOKUP_SERVICE = "API_OPLACCTGDOCITEMCUBE_SRV";
    static final String ITEMS = "A_OperationalAcctgDocItemCube";
    static final String SOAP_ACTION =
            "http://sap.com/xi/SAPSCORE/SFIN/JournalEntryCreateRequestConfirmation_In/JournalEntryCreateRequestConfirmation_InRequest";

    private final SapODataClient client;
    private final ValueMaps maps;
    private final SapProperties properties;
    private final java.time.Clock clock;

    public SapPaymentSink(SapODataClient client, ValueMaps maps, SapProperties properties, java.time.Clock clock) {
        this.clock = clock;
        this.client = client;
        this.maps = maps;
        this.properties = properties;
    }

    /**
     * @param customerAccount the customer's SAP business partner (= customer number)
     */
    public ConnectorResult post(@Body CanonicalPayment payment, @Variable("customerAccount") String customerAccount) {
        String glAccount = maps.translate("sap", "clearing-account", payment.provider()); // unmapped: parked before any call
        String envelope = envelope(payment, customerAccount, glAccount);
        String existing = findByReference(payment.reference()); // always asked: the ERP is the truth (a resync after a reversal posts again)
        if (existing != null) {
            return new ConnectorResult(SapCustomerSink.SYSTEM, existing, ConnectorResult.Action.UPDATED);
        }
        String document = confirmation(client.soap(properties.journalEntryPath(), SOAP_ACTION, envelope), payment.reference());
        return new ConnectorResult(SapCustomerSink.SYSTEM, document, ConnectorResult.Action.CREATED);
    }

    /** Our external id of an SAP journal entry: {@code <AccountingDocument>/<CompanyCode>/<FiscalYear>}. */
    static String documentId(String accountingDocument, String companyCode, String fiscalYear) {
        return accountingDocument + "/" + companyCode + "/" + fiscalYear;
    }

    private String findByReference(String reference) {
        JsonNode results = client.get(LOOKUP_SERVICE, ITEMS + "?$filter=CompanyCode%20eq%20" + SapODataClient.quote(properties.companyCode())
                + "%20and%20DocumentReferenceID%20eq%20" + SapODataClient.quote(reference)
                + "%20and%20FinancialAccountType%20eq%20'D'&$select=AccountingDocument,CompanyCode,FiscalYear&$top=2")
                .d().path("results");
        if (results.size() > 1) {
            throw new PermanentConnectorException(SapODataClient.CONNECTOR, "SAP holds more than one journal entry with reference "
                    + reference + "; reverse the copy in SAP, then replay");
        }
        return results.isEmpty() ? null : documentId(results.get(0).path("AccountingDocument").asText(),
                results.get(0).path("CompanyCode").asText(), results.get(0).path("FiscalYear").asText());
    }

    String envelope(CanonicalPayment p, String customerAccount, String glAccount) {
        BigDecimal amount = Money.scaled(p.amount(), p.currency());
        boolean receipt = p.kind() == CanonicalPayment.Kind.RECEIPT;
        LocalDate date = LocalDate.ofInstant(p.occurredAt() == null ? clock.instant() : p.occurredAt(), properties.zone());
        String text = p.provider() + " " + (p.providerTransactionId() == null ? "" : p.providerTransactionId());
        String now = clock.instant().toString();
        return """
                <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sfin="http://sap.com/xi/SAPSCORE/SFIN">
                 <soapenv:Header/>
                 <soapenv:Body>
                  <sfin:JournalEntryBulkCreateRequest>
                   <MessageHeader><ID>%s</ID><CreationDateTime>%s</CreationDateTime></MessageHeader>
                   <JournalEntryCreateRequest>
                    <MessageHeader><ID>%s</ID><CreationDateTime>%s</CreationDateTime></MessageHeader>
                    <JournalEntry>
                     <OriginalReferenceDocumentType>BKPFF</OriginalReferenceDocumentType>
                     <BusinessTransactionType>RFBU</BusinessTransactionType>
                     <AccountingDocumentType>%s</AccountingDocumentType>
                     <DocumentReferenceID>%s</DocumentReferenceID>
                     <DocumentHeaderText>%s</DocumentHeaderText>
                     <CreatedByUser>%s</CreatedByUser>
                     <CompanyCode>%s</CompanyCode>
                     <DocumentDate>%s</DocumentDate>
                     <PostingDate>%s</PostingDate>
                     <Item>
                      <ReferenceDocumentItem>1</ReferenceDocumentItem>
                      <GLAccount>%s</GLAccount>
                      <AmountInTransactionCurrency currencyCode="%s">%s</AmountInTransactionCurrency>
                      <DebitCreditCode>%s</DebitCreditCode>
                      <DocumentItemText>%s</DocumentItemText>
                      <AssignmentReference>%s</AssignmentReference>
                     </Item>
                     <DebtorItem>
                      <ReferenceDocumentItem>2</ReferenceDocumentItem>
                      <Debtor>%s</Debtor>
                      <AmountInTransactionCurrency currencyCode="%s">%s</AmountInTransactionCurrency>
                      <DebitCreditCode>%s</DebitCreditCode>
                      <DocumentItemText>%s</DocumentItemText>
                      <AssignmentReference>%s</AssignmentReference>
                     </DebtorItem>
                    </JournalEntry>
                   </JournalEntryCreateRequest>
                  </sfin:JournalEntryBulkCreateRequest>
                 </soapenv:Body>
                </soapenv:Envelope>
                """.formatted(
                UUID.randomUUID().toString().replace("-", ""), now, xml(p.reference()), now,
                xml(properties.paymentDocumentType()), xml(p.reference()), xml(cut(p.paymentReference(), 25)),
                xml(cut(properties.username(), 12)), xml(properties.companyCode()), date, date,
                xml(glAccount), xml(p.currency()), (receipt ? amount : amount.negate()).toPlainString(), receipt ? "S" : "H",
                xml(cut(text, 50)), xml(cut(p.clearingReference(), 18)),
                xml(customerAccount), xml(p.currency()), (receipt ? amount.negate() : amount).toPlainString(), receipt ? "H" : "S",
                xml(cut(text, 50)), xml(cut(p.clearingReference(), 18)));
    }

    /** The accounting document from the confirmation, or the errors of its log (severity 3) as a permanent failure. */
    static String confirmation(byte[] response, String reference) {
        Document doc;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(response));
        } catch (Exception e) {
            throw HttpOutcomes.undecodable(SapODataClient.CONNECTOR, "journal entry " + reference, 200, "XML", e);
        }
        String severity = first(doc.getDocumentElement(), "MaximumLogItemSeverityCode");
        String document = first(doc.getDocumentElement(), "AccountingDocument");
        if ("3".equals(severity) || document == null || document.isBlank() || document.matches("0+")) {
            List<String> notes = new ArrayList<>();
            NodeList items = doc.getElementsByTagNameNS("*", "Item");
            for (int i = 0; i < items.getLength(); i++) {
                Element item = (Element) items.item(i);
                if ("3".equals(first(item, "SeverityCode"))) {
                    notes.add(first(item, "Note"));
                }
            }
            throw new PermanentConnectorException(SapODataClient.CONNECTOR, "SAP refused journal entry " + reference + ": "
                    + (notes.isEmpty() ? "no accounting document in the confirmation" : String.join("; ", notes)));
        }
        return documentId(document, first(doc.getDocumentElement(), "CompanyCode"), first(doc.getDocumentElement(), "FiscalYear"));
    }

    private static String first(Element scope, String localName) {
        NodeList nodes = scope.getElementsByTagNameNS("*", localName);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    private static String cut(String value, int max) {
        return value == null ? "" : value.length() <= max ? value : value.substring(0, max);
    }

    private static String xml(String value) {
        return value == null ? "" : value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
