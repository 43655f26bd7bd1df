package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The SAP sandbox's financial accounting: the SOAP service Journal Entry - Post
 * ({@code JournalEntryCreateRequestConfirmation_In}, synchronous; a business error is a confirmation with log severity
 * 3 and document {@code 0000000000}, as SAP answers) and the OData read of operational journal entry items
 * ({@code API_OPLACCTGDOCITEMCUBE_SRV/A_OperationalAcctgDocItemCube}) with {@code $filter} on company code, reference
 * document, account type and posting date. Postings must balance, name a known customer and carry a reference of at
 * most 16 characters.
 */
public class SapJournalEntrySandbox {
    public static final String SOAP_PATH = "/sap/bc/srt/scs_ext/sap/journalentrycreaterequestconfi";
    public static final String CUBE_PATH = "/sap/opu/odata/sap/API_OPLACCTGDOCITEMCUBE_SRV/";
    private static final Pattern EQ = Pattern.compile("(\\w+) eq '([^']*)'");
    private static final Pattern DATE_WINDOW = Pattern.compile("PostingDate ge datetime'([0-9-]+)T[0-9:]+' and PostingDate le datetime'([0-9-]+)T[0-9:]+'");

    private final ObjectMapper json = new ObjectMapper();
    private final Predicate<String> knownCustomer;
    private final AtomicLong numbers = new AtomicLong(1_400_000_000L);
    /** Operational items (one per posted line), in posting order. */
    private final List<ObjectNode> items = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> documentsByReference = new ConcurrentHashMap<>();
    private final SandboxStore store;

    SapJournalEntrySandbox(Predicate<String> knownCustomer, SandboxStore store) {
        this.knownCustomer = knownCustomer;
        this.store = store;
    }

    /** The posted items, the reference index and the document number range: saved with the SAP sandbox's records. */
    ObjectNode snapshot() {
        ObjectNode state = json.createObjectNode().put("number", numbers.get());
        ArrayNode list = state.putArray("items");
        synchronized (items) {
            items.forEach(i -> list.add(i.deepCopy()));
        }
        ObjectNode references = state.putObject("documentsByReference");
        documentsByReference.forEach(references::put);
        return state;
    }

    void restore(com.fasterxml.jackson.databind.JsonNode state) {
        numbers.set(state.path("number").asLong(numbers.get()));
        state.path("items").forEach(i -> items.add((ObjectNode) i.deepCopy()));
        state.path("documentsByReference").fields().forEachRemaining(e -> documentsByReference.put(e.getKey(), e.getValue().asText()));
    }

    /** The customer (account type D) lines posted so far: what tests and the reconciliation compare. */
    public List<ObjectNode> customerItems() {
        synchronized (items) {
            return items.stream().filter(i -> "D".equals(i.path("FinancialAccountType").asText())).map(ObjectNode::deepCopy).toList();
        }
    }

    /**
     * Records a customer payment as if posted earlier (the bank line is implied): for tests that plant thousands of
     * postings without a SOAP call each. {@code amount} is the customer line's, negative for money received.
     */
    public void plantCustomerLine(String reference, String customer, BigDecimal amount, String currency, LocalDate postingDate) {
        store.change(() -> plant(reference, customer, amount, currency, postingDate));
    }

    private void plant(String reference, String customer, BigDecimal amount, String currency, LocalDate postingDate) {
        String document = String.valueOf(numbers.incrementAndGet());
        items.add(json.createObjectNode().put("CompanyCode", "1710").put("FinancialAccountType", "D").put("Customer", customer)
                .put("DocumentReferenceID", reference).put("AccountingDocumentType", "DZ").put("AccountingDocument", document)
                .put("FiscalYear", String.valueOf(postingDate.getYear())).put("AccountingDocumentItem", "002")
                .put("DebitCreditCode", amount.signum() < 0 ? "H" : "S").put("AmountInTransactionCurrency", amount.toPlainString())
                .put("TransactionCurrency", currency)
                .put("PostingDate", "/Date(" + postingDate.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() + ")/"));
        documentsByReference.put(reference, document);
    }

    /** Removes the postings with our reference (as if reversed and archived): for tests. */
    public void remove(String reference) {
        store.change(() -> {
            items.removeIf(i -> reference.equals(i.path("DocumentReferenceID").asText()));
            documentsByReference.remove(reference);
        });
    }

    /** Every line of the journal entry with our reference, in posting order. */
    public List<ObjectNode> items(String reference) {
        synchronized (items) {
            return items.stream().filter(i -> reference.equals(i.path("DocumentReferenceID").asText())).map(ObjectNode::deepCopy).toList();
        }
    }

    void reset() {
        items.clear();
        documentsByReference.clear();
    }

    /** Posts the journal entry of a SOAP request; the answer is the confirmation envelope (HTTP 200, errors in its log). */
    synchronized String post(byte[] body) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
        Element entry = (Element) doc.getElementsByTagNameNS("*", "JournalEntry").item(0);
        if (entry == null) {
            return refused("JournalEntry is missing");
        }
        String companyCode = text(entry, "CompanyCode");
        String reference = text(entry, "DocumentReferenceID");
        String postingDate = text(entry, "PostingDate");
        String type = text(entry, "AccountingDocumentType");
        if (companyCode.isEmpty() || postingDate.isEmpty() || type.isEmpty()) {
            return refused("CompanyCode, PostingDate and AccountingDocumentType are required");
        }
        if (reference.length() > 16) {
            return refused("Reference " + reference + " is longer than 16 characters");
        }
        List<ObjectNode> lines = new ArrayList<>();
        BigDecimal balance = BigDecimal.ZERO;
        for (String kind : List.of("Item", "DebtorItem")) {
            NodeList nodes = entry.getElementsByTagNameNS("*", kind);
            for (int i = 0; i < nodes.getLength(); i++) {
                Element line = (Element) nodes.item(i);
                if (line.getParentNode() != entry) {
                    continue;
                }
                Element amount = (Element) line.getElementsByTagNameNS("*", "AmountInTransactionCurrency").item(0);
                if (amount == null || amount.getAttribute("currencyCode").isEmpty()) {
                    return refused("Line " + (lines.size() + 1) + ": amount with currencyCode is required");
                }
                BigDecimal value = new BigDecimal(amount.getTextContent().trim());
                String debitCredit = text(line, "DebitCreditCode");
                if (!(debitCredit.equals("S") && value.signum() > 0 || debitCredit.equals("H") && value.signum() < 0)) {
                    return refused("Line " + (lines.size() + 1) + ": debit/credit code " + debitCredit + " does not match amount " + value);
                }
                balance = balance.add(value);
                ObjectNode item = json.createObjectNode()
                        .put("CompanyCode", companyCode)
                        .put("FinancialAccountType", kind.equals("DebtorItem") ? "D" : "S")
                        .put("GLAccount", text(line, "GLAccount"))
                        .put("Customer", text(line, "Debtor"))
                        .put("DocumentReferenceID", reference)
                        .put("AccountingDocumentType", type)
                        .put("AssignmentReference", text(line, "AssignmentReference"))
                        .put("DocumentItemText", text(line, "DocumentItemText"))
                        .put("DebitCreditCode", debitCredit)
                        .put("AmountInTransactionCurrency", value.toPlainString())
                        .put("TransactionCurrency", amount.getAttribute("currencyCode"))
                        .put("PostingDate", "/Date(" + LocalDate.parse(postingDate).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() + ")/");
                if (kind.equals("DebtorItem") && !knownCustomer.test(item.path("Customer").asText())) {
                    return refused("Customer " + item.path("Customer").asText() + " does not exist in company code " + companyCode);
                }
                lines.add(item);
            }
        }
        if (lines.size() < 2 || balance.signum() != 0) {
            return refused("Balance in transaction currency is not zero: " + balance.toPlainString());
        }
        String document = String.valueOf(numbers.incrementAndGet());
        String year = postingDate.substring(0, 4);
        for (int i = 0; i < lines.size(); i++) {
            lines.get(i).put("AccountingDocument", document).put("FiscalYear", year).put("AccountingDocumentItem", String.format("%03d", i + 1));
        }
        items.addAll(lines);
        documentsByReference.put(reference, document);
        return confirmation(document, companyCode, year, "1", "Document " + document + " was posted in company code " + companyCode);
    }

    /** {@code GET A_OperationalAcctgDocItemCube?$filter=… eq '…' and …&$top=n}. */
    ObjectNode query(String relative) {
        List<String[]> equals = new ArrayList<>();
        Matcher eq = EQ.matcher(relative);
        while (eq.find()) {
            equals.add(new String[] {eq.group(1), eq.group(2)});
        }
        Matcher window = DATE_WINDOW.matcher(relative);
        long from = Long.MIN_VALUE;
        long to = Long.MAX_VALUE;
        if (window.find()) {
            from = LocalDate.parse(window.group(1)).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            to = LocalDate.parse(window.group(2)).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        }
        Matcher top = Pattern.compile("\\$top=(\\d+)").matcher(relative);
        Matcher skip = Pattern.compile("\\$skip=(\\d+)").matcher(relative);
        int limit = top.find() ? Integer.parseInt(top.group(1)) : 1000;
        int offset = skip.find() ? Integer.parseInt(skip.group(1)) : 0;
        long lower = from;
        long upper = to;
        ArrayNode results = json.createArrayNode();
        synchronized (items) {
            items.stream()
                    .filter(i -> equals.stream().allMatch(c -> c[1].equals(i.path(c[0]).asText())))
                    .filter(i -> {
                        long at = Long.parseLong(i.path("PostingDate").asText().replaceAll("/Date\\((-?\\d+).*", "$1"));
                        return at >= lower && at <= upper;
                    })
                    .skip(offset).limit(limit).forEach(i -> results.add(i.deepCopy()));
        }
        ObjectNode d = json.createObjectNode();
        d.set("results", results);
        return d;
    }

    private static String text(Element scope, String localName) {
        NodeList nodes = scope.getElementsByTagNameNS("*", localName);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }

    private static String refused(String note) {
        return confirmation("0000000000", "", "0000", "3", note);
    }

    private static String confirmation(String document, String companyCode, String year, String severity, String note) {
        return """
                <soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">
                 <soap-env:Header/>
                 <soap-env:Body>
                  <n0:JournalEntryBulkCreateConfirmation xmlns:n0="http://sap.com/xi/SAPSCORE/SFIN">
                   <JournalEntryCreateConfirmation>
                    <JournalEntryCreateConfirmation>
                     <AccountingDocument>%s</AccountingDocument>
                     <CompanyCode>%s</CompanyCode>
                     <FiscalYear>%s</FiscalYear>
                    </JournalEntryCreateConfirmation>
                    <Log>
                     <MaximumLogItemSeverityCode>%s</MaximumLogItemSeverityCode>
                     <Item><TypeID>%s</TypeID><SeverityCode>%s</SeverityCode><Note>%s</Note></Item>
                    </Log>
                   </JournalEntryCreateConfirmation>
                  </n0:JournalEntryBulkCreateConfirmation>
                 </soap-env:Body>
                </soap-env:Envelope>
                """.formatted(document, companyCode, year, severity, severity.equals("3") ? "F5(702)" : "RW(609)", severity,
                note.replace("&", "&amp;").replace("<", "&lt;"));
    }
}
