package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful stand-in for SAP S/4HANA's {@code API_BUSINESS_PARTNER} (OData V2), as a WireMock transformer, so the
 * real connector code runs against it in the default local run and in tests:
 * <ul>
 *   <li>Basic auth; CSRF token + session cookies issued on {@code x-csrf-token: fetch}; modifying calls without a
 *       valid token/cookie pair get {@code 403} with {@code x-csrf-token: Required} ({@link #expireTokens()} forces it);</li>
 *   <li>{@code POST /A_BusinessPartner} deep insert → 201 {@code {"d":{...}}} with a new partner number;</li>
 *   <li>{@code GET /A_BusinessPartner('n')} with {@code __metadata.etag}; {@code $filter=BusinessPartnerIDByExtSystem eq '…'};</li>
 *   <li>{@code PATCH} needs {@code If-Match} (428 without, 412 on a stale ETag) → 204;</li>
 *   <li>errors in the OData V2 {@code {"error":{"code","message":{"lang","value"}}}} shape.</li>
 * </ul>
 */
public class SapBusinessPartnerSandbox implements ResponseDefinitionTransformerV2 {
    public static final String NAME = "sap-business-partner";
    public static final String SERVICE_PATH = "/sap/opu/odata/sap/API_BUSINESS_PARTNER/";
    public static final String SALES_ORDER_PATH = "/sap/opu/odata/sap/API_SALES_ORDER_SRV/";
    private static final Pattern ORDER_KEY = Pattern.compile("A_SalesOrder\\('([^']+)'\\)(/to_Item)?");
    private static final Pattern ITEM_KEY = Pattern.compile("A_SalesOrderItem\\(SalesOrder='([^']+)',SalesOrderItem='([^']+)'\\)");
    public static final String BILLING_PATH = "/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/";
    private static final Pattern DATE_WINDOW = Pattern.compile("(\\w+) ge datetime'([0-9-]+)T[0-9:]+' and \\w+ le datetime'([0-9-]+)T[0-9:]+'");
    private static final Pattern SKIP = Pattern.compile("\\$skip=(\\d+)");
    private static final Pattern CHANGED_SINCE = Pattern.compile("LastChangeDateTime ge datetimeoffset'([^']+)'");
    private static final Pattern CHANGED_UNTIL = Pattern.compile("LastChangeDateTime le datetimeoffset'([^']+)'");
    private static final Pattern TOP = Pattern.compile("\\$top=(\\d+)");
    private static final Pattern PO_FILTER = Pattern.compile("PurchaseOrderByCustomer eq '([^']*)'");
    private static final Pattern KEY = Pattern.compile("A_BusinessPartner\\('([^']+)'\\)");
    private static final Pattern PARTNER_ADDRESSES = Pattern.compile("A_BusinessPartner\\('([^']+)'\\)/to_BusinessPartnerAddress(\\?.*)?");
    private static final Pattern ADDRESS_KEY = Pattern.compile(
            "A_BusinessPartnerAddress\\(BusinessPartner='([^']+)',AddressID='([^']+)'\\)(/to_EmailAddress|/to_MobilePhoneNumber)?");
    private static final Pattern ADDRESS_ITEM_KEY = Pattern.compile(
            "(A_AddressEmailAddress|A_AddressPhoneNumber)\\(AddressID='([^']+)',Person='([^']*)',OrdinalNumber='([^']+)'\\)");
    private static final Pattern EXT_FILTER = Pattern.compile("BusinessPartnerIDByExtSystem eq '([^']*)'");

    private final ObjectMapper json = new ObjectMapper();
    private final String expectedAuthorization;
    private final Map<String, String> tokens = new ConcurrentHashMap<>(); // token -> session id
    private final Map<String, ObjectNode> partners = new ConcurrentHashMap<>();
    /** BusinessPartnerIDByExtSystem → partner numbers, so $filter lookups cost what they cost in SAP (an index). */
    private final Map<String, java.util.Set<String>> byExternalId = new ConcurrentHashMap<>();
    private final AtomicLong numbers = new AtomicLong(1_000_000);
    private final Map<String, ObjectNode> salesOrders = new ConcurrentHashMap<>();
    private final Map<String, String> salesOrderByReference = new ConcurrentHashMap<>();
    private final AtomicLong salesOrderNumbers = new AtomicLong(5_000_000);
    private final Map<String, ObjectNode> billingDocuments = new ConcurrentHashMap<>();
    private final AtomicLong billingNumbers = new AtomicLong(90_000_000);
    /** Sales orders finance will bill, with when (epoch ms): kept with the records, so a restart still bills them. */
    private final Map<String, Long> invoiceDue = new ConcurrentHashMap<>();
    private final SandboxStore store;
    private final SapJournalEntrySandbox journal;
    private final java.util.concurrent.ScheduledExecutorService invoicing = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sap-sandbox-invoicing");
        t.setDaemon(true);
        return t;
    });
    private volatile java.time.Duration invoiceAfter;

    /** Records in memory only (tests, benchmarks). */
    public SapBusinessPartnerSandbox(String username, String password) {
        this(username, password, SandboxStore.memoryOnly());
    }

    /** Records in {@code store}: those of an earlier run are read back, number ranges continue where they stopped. */
    SapBusinessPartnerSandbox(String username, String password, SandboxStore store) {
        this.expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.store = store;
        this.journal = new SapJournalEntrySandbox(partners::containsKey, store);
        store.load(json).ifPresent(this::restore);
        store.snapshotWith(this::snapshot);
    }

    /** Stops keeping records: called when the sandbox's server stops. */
    void closeRecords() {
        store.close();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** Invalidates every CSRF token, as SAP does when a session times out. */
    public void expireTokens() {
        tokens.clear();
    }

    public Map<String, ObjectNode> partners() {
        return partners;
    }

    /** Billing documents by number, as {@code API_BILLING_DOCUMENT_SRV} returns them. */
    public Map<String, ObjectNode> billingDocuments() {
        return billingDocuments;
    }

    /** Sales orders waiting to be billed by {@link #invoiceAfter}. */
    public int invoicesDue() {
        return invoiceDue.size();
    }

    /**
     * Bill every new sales order this long after it is created (the local run's "finance invoices it"); null: never.
     * Orders an earlier run had not billed yet are billed when they fall due (at once if overdue).
     */
    public void invoiceAfter(java.time.Duration delay) {
        this.invoiceAfter = delay;
        if (delay != null) {
            invoiceDue.forEach(this::scheduleInvoice);
        }
    }

    private void scheduleInvoice(String salesOrder, long dueAtMillis) {
        long wait = Math.max(0, dueAtMillis - System.currentTimeMillis());
        invoicing.schedule(() -> store.change(() -> {
            if (invoiceDue.remove(salesOrder) != null) {
                bill(salesOrder);
            }
        }), wait, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Bills a sales order: each open item with its net and tax as pricing found them (see {@code total}), gross = net +
     * tax, terms NT30, dated today, its change time now. Returns the billing document number.
     */
    public String issueInvoice(String salesOrder) {
        return store.change(() -> bill(salesOrder));
    }

    /**
     * Credits a billing document in full: a credit memo (type G2, SD document category O) whose items name the invoice
     * (reference category M), with the invoice's amounts, dated today. Returns its number.
     */
    public String issueCreditMemo(String invoice) {
        return store.change(() -> {
            synchronized (this) {
                ObjectNode original = billingDocuments.get(invoice);
                if (original == null) {
                    throw new IllegalArgumentException("no billing document " + invoice);
                }
                String number = String.valueOf(billingNumbers.incrementAndGet());
                ObjectNode memo = original.deepCopy().put("BillingDocument", number).put("BillingDocumentType", "G2")
                        .put("SDDocumentCategory", "O").put("LastChangeDateTime", "/Date(" + changeMillis() + "+0000)/");
                for (JsonNode item : memo.path("to_Item").path("results")) {
                    ((ObjectNode) item).put("BillingDocument", number).put("ReferenceSDDocument", invoice)
                            .put("ReferenceSDDocumentCategory", "M");
                }
                memo.putObject("__metadata").put("id", "A_BillingDocument('" + number + "')").put("type", "API_BILLING_DOCUMENT_SRV.A_BillingDocumentType");
                billingDocuments.put(number, memo);
                return number;
            }
        });
    }

    private synchronized String bill(String salesOrder) {
        ObjectNode order = salesOrders.get(salesOrder);
        if (order == null) {
            throw new IllegalArgumentException("no sales order " + salesOrder);
        }
        String number = String.valueOf(billingNumbers.incrementAndGet());
        ArrayNode items = json.createArrayNode();
        java.math.BigDecimal net = java.math.BigDecimal.ZERO;
        java.math.BigDecimal tax = java.math.BigDecimal.ZERO;
        for (JsonNode line : order.path("to_Item").path("results")) {
            if (!line.path("SalesDocumentRjcnReason").asText("").isEmpty()) {
                continue;
            }
            java.math.BigDecimal itemNet = new java.math.BigDecimal(line.path("NetAmount").asText("0"));
            java.math.BigDecimal itemTax = new java.math.BigDecimal(line.path("TaxAmount").asText("0"));
            items.addObject().put("BillingDocument", number).put("BillingDocumentItem", line.path("SalesOrderItem").asText())
                    .put("ReferenceSDDocument", salesOrder).put("ReferenceSDDocumentCategory", "C")
                    .put("ReferenceSDDocumentItem", line.path("SalesOrderItem").asText())
                    .put("NetAmount", itemNet.toPlainString()).put("TaxAmount", itemTax.toPlainString())
                    .put("GrossAmount", itemNet.add(itemTax).toPlainString());
            net = net.add(itemNet);
            tax = tax.add(itemTax);
        }
        long today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli();
        ObjectNode doc = json.createObjectNode().put("BillingDocument", number).put("BillingDocumentType", "F2").put("SDDocumentCategory", "M")
                .put("SoldToParty", order.path("SoldToParty").asText()).put("PayerParty", order.path("SoldToParty").asText())
                .put("TransactionCurrency", order.path("TransactionCurrency").asText())
                .put("TotalNetAmount", net.toPlainString()).put("TaxAmount", tax.toPlainString())
                .put("TotalGrossAmount", net.add(tax).toPlainString()).put("CustomerPaymentTerms", "NT30")
                .put("BillingDocumentDate", "/Date(" + today + ")/").put("BillingDocumentIsCancelled", false)
                .put("LastChangeDateTime", "/Date(" + changeMillis() + "+0000)/");
        doc.putObject("to_Item").set("results", items);
        doc.putObject("__metadata").put("id", "A_BillingDocument('" + number + "')").put("type", "API_BILLING_DOCUMENT_SRV.A_BillingDocumentType");
        billingDocuments.put(number, doc);
        synchronized (order) { // billed: delivered and completely processed, as SAP's document flow would have it
            order.put("OverallSDProcessStatus", "C");
            order.put("OverallDeliveryStatus", "C");
            stampOrder(order);
        }
        return number;
    }

    private long lastChange;

    /** Change times strictly increase, as SAP's do within one system. */
    /** Strictly increasing and never ahead of the clock (a poller reads only what is older than its cut-off). */
    private synchronized long changeMillis() {
        long now = System.currentTimeMillis();
        while (now <= lastChange) {
            Thread.onSpinWait();
            now = System.currentTimeMillis();
        }
        lastChange = now;
        return lastChange;
    }

    /** Sales orders by number, each with its items under {@code to_Item.results}. */
    public Map<String, ObjectNode> salesOrders() {
        return salesOrders;
    }

    /** Financial accounting: journal entries posted through SOAP and read through the operational items cube. */
    public SapJournalEntrySandbox journal() {
        return journal;
    }

    public void reset() {
        store.change(() -> {
            journal.reset();
            salesOrders.clear();
            salesOrderByReference.clear();
            tokens.clear();
            partners.clear();
            byExternalId.clear();
            invoiceDue.clear();
        });
    }

    /**
     * What a restart keeps: partners, sales orders, billing documents, journal entries, the orders still to be
     * billed, and where each number range and the change clock stand. Sessions (CSRF tokens) are not kept: after a
     * restart the hub fetches a new token, as after an SAP restart.
     */
    private ObjectNode snapshot() { // called by the store, which runs changes one at a time: nothing moves meanwhile
        ObjectNode state = json.createObjectNode();
        ArrayNode partnerList = state.putArray("partners");
        partners.values().forEach(p -> partnerList.add(p.deepCopy()));
        ArrayNode orderList = state.putArray("salesOrders");
        salesOrders.values().forEach(o -> orderList.add(o.deepCopy()));
        ArrayNode billingList = state.putArray("billingDocuments");
        billingDocuments.values().forEach(d -> billingList.add(d.deepCopy()));
        ObjectNode due = state.putObject("invoiceDue");
        invoiceDue.forEach(due::put);
        state.putObject("numbers").put("businessPartner", numbers.get()).put("salesOrder", salesOrderNumbers.get())
                .put("billingDocument", billingNumbers.get());
        state.put("lastChange", lastChange);
        state.set("journal", journal.snapshot());
        return state;
    }

    private void restore(JsonNode state) {
        state.path("partners").forEach(p -> {
            partners.put(p.path("BusinessPartner").asText(), (ObjectNode) p.deepCopy());
            index(partners.get(p.path("BusinessPartner").asText()));
        });
        java.util.List<JsonNode> orders = new java.util.ArrayList<>();
        state.path("salesOrders").forEach(orders::add);
        orders.sort(java.util.Comparator.comparingLong(o -> Long.parseLong(o.path("SalesOrder").asText())));
        for (JsonNode o : orders) { // in number order, so a reused reference points at its latest order, as when created
            salesOrders.put(o.path("SalesOrder").asText(), (ObjectNode) o.deepCopy());
            salesOrderByReference.put(o.path("PurchaseOrderByCustomer").asText(), o.path("SalesOrder").asText());
        }
        state.path("billingDocuments").forEach(d -> billingDocuments.put(d.path("BillingDocument").asText(), (ObjectNode) d.deepCopy()));
        state.path("invoiceDue").fields().forEachRemaining(e -> invoiceDue.put(e.getKey(), e.getValue().asLong()));
        JsonNode n = state.path("numbers");
        numbers.set(n.path("businessPartner").asLong(numbers.get()));
        salesOrderNumbers.set(n.path("salesOrder").asLong(salesOrderNumbers.get()));
        billingNumbers.set(n.path("billingDocument").asLong(billingNumbers.get()));
        lastChange = state.path("lastChange").asLong(0);
        journal.restore(state.path("journal"));
    }

    private void index(ObjectNode partner) {
        String ext = partner.path("BusinessPartnerIDByExtSystem").asText("");
        if (!ext.isEmpty()) {
            byExternalId.computeIfAbsent(ext, k -> ConcurrentHashMap.newKeySet()).add(partner.path("BusinessPartner").asText());
        }
    }

    /**
     * A stub's fault (e.g. connection reset) and delay apply after the request took effect: with a fault SAP did the
     * work but the answer was lost, which is what a crash or network cut between call and reply looks like to the hub.
     */
    @Override
    public ResponseDefinition transform(ServeEvent event) {
        ResponseDefinition result = store.change(() -> handle(event.getRequest()));
        return AnswerLost.afterEffect(result, event.getResponseDefinition());
    }

    private ResponseDefinition handle(Request request) {
        if (!expectedAuthorization.equals(request.getHeader("Authorization"))) {
            return error(401, "/IWFND/MED/170", "Logon failed", null);
        }
        String method = request.getMethod().getName();
        String path = URLDecoder.decode(request.getUrl(), StandardCharsets.UTF_8);
        String relative = path.startsWith(SERVICE_PATH) ? path.substring(SERVICE_PATH.length()) : path;
        relative = relative.replaceAll("[?&]sap-client=\\d+", "");

        try {
            if (path.startsWith(SapJournalEntrySandbox.SOAP_PATH) && method.equals("POST")) { // SOAP: no CSRF token
                return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "text/xml; charset=utf-8")
                        .withBody(journal.post(request.getBody())).build();
            }
            if (path.startsWith(SapJournalEntrySandbox.CUBE_PATH) && method.equals("GET") && path.contains("A_OperationalAcctgDocItemCube")) {
                return ok(200, journal.query(path.substring(SapJournalEntrySandbox.CUBE_PATH.length())), null);
            }
        } catch (Exception e) {
            return new ResponseDefinitionBuilder().withStatus(500).withHeader("Content-Type", "text/xml; charset=utf-8")
                    .withBody("<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap-env:Body><soap-env:Fault>"
                            + "<faultcode>soap-env:Client</faultcode><faultstring xml:lang=\"en\">Malformed request: "
                            + String.valueOf(e.getMessage()).replace("&", "&amp;").replace("<", "&lt;")
                            + "</faultstring></soap-env:Fault></soap-env:Body></soap-env:Envelope>").build();
        }
        if ("fetch".equalsIgnoreCase(request.getHeader("x-csrf-token"))) {
            String session = UUID.randomUUID().toString().replace("-", "");
            String token = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)).substring(0, 24);
            tokens.put(token, session);
            return new ResponseDefinitionBuilder().withStatus(200)
                    .withHeader("x-csrf-token", token)
                    .withHeader("Set-Cookie", "SAP_SESSIONID_S4H_100=" + session + "; path=/; HttpOnly",
                            "sap-usercontext=sap-client=100; path=/")
                    .withHeader("Content-Type", "application/json").build();
        }
        boolean modifying = !method.equals("GET") && !method.equals("HEAD");
        if (modifying && !csrfValid(request)) {
            return new ResponseDefinitionBuilder().withStatus(403).withHeader("x-csrf-token", "Required")
                    .withHeader("Content-Type", "text/plain").withBody("CSRF token validation failed").build();
        }
        try {
            if (path.startsWith(BILLING_PATH) && method.equals("GET")) {
                return billingDocuments(path.substring(BILLING_PATH.length()));
            }
            if (path.startsWith(SALES_ORDER_PATH)) {
                return salesOrder(request, method, path.substring(SALES_ORDER_PATH.length()).replaceAll("[?&]sap-client=\\d+", ""));
            }
            if (method.equals("POST") && relative.equals("A_BusinessPartner")) {
                return create(request);
            }
            ResponseDefinition address = address(request, method, relative);
            if (address != null) {
                return address;
            }
            Matcher key = KEY.matcher(relative);
            if (key.find()) {
                String number = key.group(1);
                ObjectNode partner = partners.get(number);
                if (partner == null) {
                    return error(404, "SY/530", "Resource not found for segment 'A_BusinessPartnerType'", null);
                }
                if (method.equals("GET")) {
                    return ok(200, partner.deepCopy(), etag(partner));
                }
                if (method.equals("PATCH") || method.equals("MERGE")) {
                    return update(request, partner);
                }
            }
            if (method.equals("GET") && relative.startsWith("A_BusinessPartner") && DATE_WINDOW.matcher(relative).find()) {
                return window(partners.values(), relative, "BusinessPartner");
            }
            if (method.equals("GET") && relative.startsWith("A_BusinessPartner")) {
                return query(relative);
            }
            if (method.equals("GET") || method.equals("HEAD")) {
                return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"d\":{\"EntitySets\":[\"A_BusinessPartner\"]}}").build();
            }
            return error(405, "/IWBEP/CM_MGW_RT/020", "Method " + method + " not allowed for " + relative, null);
        } catch (Exception e) {
            return error(400, "/IWBEP/CM_MGW_RT/176", "Malformed request: " + e.getMessage(), null);
        }
    }

    private boolean csrfValid(Request request) {
        String token = request.getHeader("x-csrf-token");
        String session = token == null ? null : tokens.get(token);
        String cookie = request.getHeader("Cookie");
        return session != null && cookie != null && cookie.contains("SAP_SESSIONID_S4H_100=" + session);
    }

    private ResponseDefinition create(Request request) throws Exception {
        JsonNode body = json.readTree(request.getBodyAsString());
        String category = body.path("BusinessPartnerCategory").asText("");
        if (!category.equals("1") && !category.equals("2")) {
            return error(400, "R11/401", "Business partner category '" + category + "' is not valid", "BusinessPartnerCategory");
        }
        if (category.equals("2") && body.path("OrganizationBPName1").asText("").isBlank()) {
            return error(400, "R11/124", "Enter a name for the organization", "OrganizationBPName1");
        }
        if (category.equals("1") && body.path("LastName").asText("").isBlank()) {
            return error(400, "R11/123", "Enter a last name", "LastName");
        }
        if (!body.path("to_BusinessPartnerRole").isArray() || body.path("to_BusinessPartnerRole").isEmpty()) {
            return error(400, "R11/657", "Business partner needs at least one role", "to_BusinessPartnerRole");
        }
        String number = String.valueOf(numbers.incrementAndGet());
        ObjectNode partner = json.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = body.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            partner.set(f.getKey(), f.getValue());
        }
        partner.put("BusinessPartner", number);
        partner.put("CreationDate", today());
        int n = 0;
        for (JsonNode a : partner.path("to_BusinessPartnerAddress")) {
            keyAddress(number, (ObjectNode) a, String.valueOf(Long.parseLong(number) * 10 + ++n));
        }
        stamp(partner);
        partners.put(number, partner);
        index(partner);
        return ok(201, partner.deepCopy(), etag(partner));
    }

    private ResponseDefinition update(Request request, ObjectNode partner) throws Exception {
        String ifMatch = request.getHeader("If-Match");
        if (ifMatch == null) {
            return error(428, "/IWBEP/CM_MGW_RT/022", "Precondition required: send If-Match", null);
        }
        synchronized (partner) {
            if (!ifMatch.equals("*") && !ifMatch.equals(etag(partner))) {
                return error(412, "/IWBEP/CM_MGW_RT/021", "Precondition failed: the entity was changed", null);
            }
            JsonNode body = json.readTree(request.getBodyAsString());
            body.fields().forEachRemaining(f -> {
                if (!f.getKey().startsWith("to_") && !f.getKey().equals("BusinessPartner")) {
                    partner.set(f.getKey(), f.getValue());
                }
            });
            stamp(partner);
            index(partner);
        }
        return new ResponseDefinitionBuilder().withStatus(204).withHeader("ETag", etag(partner)).build();
    }

    // ---- addresses, their e-mail addresses and mobile phones (each its own entity, as in API_BUSINESS_PARTNER) ----

    /** Gives an address and its e-mail and phone entries their keys: AddressID; Person '' and OrdinalNumber. */
    private static void keyAddress(String partner, ObjectNode address, String addressId) {
        address.put("BusinessPartner", partner).put("AddressID", addressId);
        for (String items : List.of("to_EmailAddress", "to_MobilePhoneNumber")) {
            int ordinal = 0;
            for (JsonNode item : address.path(items)) {
                ((ObjectNode) item).put("AddressID", addressId).put("Person", "").put("OrdinalNumber", String.valueOf(++ordinal));
            }
        }
    }

    /** The address calls, or null when {@code relative} names none. */
    private ResponseDefinition address(Request request, String method, String relative) throws Exception {
        Matcher list = PARTNER_ADDRESSES.matcher(relative);
        if (list.matches()) {
            ObjectNode partner = partners.get(list.group(1));
            if (partner == null) {
                return error(404, "SY/530", "Resource not found for segment 'A_BusinessPartnerType'", null);
            }
            synchronized (partner) {
                if (method.equals("GET")) {
                    return ok(200, expandedAddresses(partner), null);
                }
                if (method.equals("POST")) {
                    ObjectNode added = (ObjectNode) json.readTree(request.getBodyAsString());
                    ArrayNode addresses = partner.path("to_BusinessPartnerAddress").isArray() ? (ArrayNode) partner.path("to_BusinessPartnerAddress")
                            : partner.putArray("to_BusinessPartnerAddress");
                    keyAddress(list.group(1), added, String.valueOf(Long.parseLong(list.group(1)) * 10 + addresses.size() + 1));
                    addresses.add(added);
                    stamp(partner);
                    return ok(201, added.deepCopy(), null);
                }
            }
        }
        Matcher key = ADDRESS_KEY.matcher(relative);
        if (key.matches()) {
            ObjectNode partner = partners.get(key.group(1));
            ObjectNode address = partner == null ? null : addressOf(partner, key.group(2));
            if (address == null) {
                return error(404, "SY/530", "Resource not found for segment 'A_BusinessPartnerAddressType'", null);
            }
            synchronized (partner) {
                JsonNode body = json.readTree(request.getBodyAsString());
                if (key.group(3) == null && (method.equals("PATCH") || method.equals("MERGE"))) {
                    body.fields().forEachRemaining(f -> {
                        if (!f.getKey().startsWith("to_") && !f.getKey().equals("AddressID") && !f.getKey().equals("BusinessPartner")) {
                            address.set(f.getKey(), f.getValue());
                        }
                    });
                    stamp(partner);
                    return new ResponseDefinitionBuilder().withStatus(204).build();
                }
                if (key.group(3) != null && method.equals("POST")) {
                    String items = key.group(3).substring(1);
                    ArrayNode list2 = address.path(items).isArray() ? (ArrayNode) address.path(items) : address.putArray(items);
                    ObjectNode item = ((ObjectNode) body).put("AddressID", key.group(2)).put("Person", "")
                            .put("OrdinalNumber", String.valueOf(list2.size() + 1));
                    list2.add(item);
                    stamp(partner);
                    return ok(201, item.deepCopy(), null);
                }
            }
        }
        Matcher item = ADDRESS_ITEM_KEY.matcher(relative);
        if (item.matches() && (method.equals("PATCH") || method.equals("MERGE") || method.equals("DELETE"))) {
            String items = item.group(1).equals("A_AddressEmailAddress") ? "to_EmailAddress" : "to_MobilePhoneNumber";
            for (ObjectNode partner : partners.values()) {
                ObjectNode address = addressOf(partner, item.group(2));
                if (address == null) {
                    continue;
                }
                synchronized (partner) {
                    ArrayNode list2 = address.path(items).isArray() ? (ArrayNode) address.path(items) : address.putArray(items);
                    for (int i = 0; i < list2.size(); i++) {
                        ObjectNode entry = (ObjectNode) list2.get(i);
                        if (entry.path("Person").asText("").equals(item.group(3)) && entry.path("OrdinalNumber").asText().equals(item.group(4))) {
                            if (method.equals("DELETE")) {
                                list2.remove(i);
                            } else {
                                json.readTree(request.getBodyAsString()).fields().forEachRemaining(f -> entry.set(f.getKey(), f.getValue()));
                            }
                            stamp(partner);
                            return new ResponseDefinitionBuilder().withStatus(204).build();
                        }
                    }
                }
            }
            return error(404, "SY/530", "Resource not found for segment '" + item.group(1) + "Type'", null);
        }
        return null;
    }

    /** The partner's addresses with their e-mail addresses and phones, as {@code $expand} returns them. */
    private ObjectNode expandedAddresses(ObjectNode partner) {
        ArrayNode results = json.createArrayNode();
        for (JsonNode a : partner.path("to_BusinessPartnerAddress")) {
            ObjectNode copy = a.deepCopy();
            for (String items : List.of("to_EmailAddress", "to_MobilePhoneNumber")) {
                ObjectNode wrapped = json.createObjectNode();
                wrapped.set("results", a.path(items).isArray() ? a.path(items).deepCopy() : json.createArrayNode());
                copy.set(items, wrapped); // OData V2 JSON: an expanded collection is {"results": [...]}
            }
            results.add(copy);
        }
        return json.createObjectNode().set("results", results);
    }

    private static ObjectNode addressOf(ObjectNode partner, String addressId) {
        for (JsonNode a : partner.path("to_BusinessPartnerAddress")) {
            if (addressId.equals(a.path("AddressID").asText())) {
                return (ObjectNode) a;
            }
        }
        return null;
    }

    private ResponseDefinition query(String relative) {
        Matcher filter = EXT_FILTER.matcher(relative);
        Optional<String> ext = filter.find() ? Optional.of(filter.group(1)) : Optional.empty();
        ArrayNode results = json.createArrayNode();
        java.util.Collection<ObjectNode> candidates = ext
                .map(e -> byExternalId.getOrDefault(e, java.util.Set.of()).stream().map(partners::get)
                        .filter(p -> p != null && e.equals(p.path("BusinessPartnerIDByExtSystem").asText())).toList())
                .orElseGet(() -> List.copyOf(partners.values()));
        candidates.stream()
                .sorted((a, b) -> a.path("BusinessPartner").asText().compareTo(b.path("BusinessPartner").asText()))
                .forEach(p -> results.add(p.deepCopy()));
        ObjectNode d = json.createObjectNode();
        d.set("results", results);
        return ok(200, d, null);
    }

    private static void stamp(ObjectNode partner) {
        String number = partner.path("BusinessPartner").asText();
        String changed = Instant.now().toString() + "-" + System.nanoTime();
        partner.put("LastChangeDateTime", changed);
        ObjectNode meta = partner.putObject("__metadata");
        meta.put("id", "A_BusinessPartner('" + number + "')");
        meta.put("uri", SERVICE_PATH + "A_BusinessPartner('" + number + "')");
        meta.put("type", "API_BUSINESS_PARTNER.A_BusinessPartnerType");
        meta.put("etag", "W/\"datetimeoffset'" + changed + "'\"");
    }

    private static String etag(ObjectNode partner) {
        return partner.path("__metadata").path("etag").asText();
    }

    private ResponseDefinition ok(int status, JsonNode d, String etag) {
        ObjectNode envelope = json.createObjectNode();
        envelope.set("d", d);
        List<HttpHeader> headers = new java.util.ArrayList<>(List.of(new HttpHeader("Content-Type", "application/json")));
        if (etag != null) {
            headers.add(new HttpHeader("ETag", etag));
        }
        return new ResponseDefinitionBuilder().withStatus(status).withHeaders(new HttpHeaders(headers))
                .withBody(envelope.toString()).build();
    }

    // ---- API_SALES_ORDER_SRV ----

    private ResponseDefinition salesOrder(Request request, String method, String relative) throws Exception {
        if (method.equals("POST") && relative.equals("A_SalesOrder")) {
            return createSalesOrder(json.readTree(request.getBodyAsString()));
        }
        Matcher item = ITEM_KEY.matcher(relative);
        if (item.matches() && (method.equals("PATCH") || method.equals("MERGE"))) {
            ObjectNode order = salesOrders.get(item.group(1));
            ObjectNode line = order == null ? null : itemOf(order, item.group(2));
            if (line == null) {
                return error(404, "SY/530", "Resource not found for segment 'A_SalesOrderItemType'", null);
            }
            return updateItem(request, order, line);
        }
        Matcher key = ORDER_KEY.matcher(relative.contains("?") ? relative.substring(0, relative.indexOf('?')) : relative);
        if (key.matches()) { // one order (its query options, e.g. $expand=to_Item, change nothing here: items are inline)
            ObjectNode order = salesOrders.get(key.group(1));
            if (order == null) {
                return error(404, "SY/530", "Resource not found for segment 'A_SalesOrderType'", null);
            }
            synchronized (order) {
                if (key.group(2) == null && method.equals("GET")) {
                    return ok(200, order.deepCopy(), etag(order));
                }
                if (key.group(2) != null && method.equals("GET")) {
                    return ok(200, order.path("to_Item").deepCopy(), null);
                }
                if (key.group(2) != null && method.equals("POST")) {
                    ObjectNode line = (ObjectNode) json.readTree(request.getBodyAsString());
                    ResponseDefinition invalid = invalidItem(line);
                    if (invalid != null) {
                        return invalid;
                    }
                    ((ArrayNode) order.path("to_Item").path("results")).add(stampItem(order, line));
                    total(order);
                    return ok(201, line.deepCopy(), etag(line));
                }
            }
        }
        if (method.equals("GET") && relative.startsWith("A_SalesOrder") && DATE_WINDOW.matcher(relative).find()) {
            return window(salesOrders.values(), relative, "SalesOrder");
        }
        if (method.equals("GET") && relative.startsWith("A_SalesOrder?") && CHANGED_SINCE.matcher(relative).find()) {
            return changedSince(salesOrders.values(), relative);
        }
        if (method.equals("GET") && relative.startsWith("A_SalesOrder")) {
            Matcher filter = PO_FILTER.matcher(relative);
            ArrayNode results = json.createArrayNode();
            if (filter.find()) {
                String number = salesOrderByReference.get(filter.group(1));
                ObjectNode found = number == null ? null : salesOrders.get(number);
                if (found != null && filter.group(1).equals(found.path("PurchaseOrderByCustomer").asText())) { // an index, re-checked
                    results.add(found.deepCopy());
                }
            } else {
                salesOrders.values().forEach(o -> results.add(o.deepCopy()));
            }
            ObjectNode d = json.createObjectNode();
            d.set("results", results);
            return ok(200, d, null);
        }
        if (method.equals("GET") || method.equals("HEAD")) {
            return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody("{\"d\":{\"EntitySets\":[\"A_SalesOrder\",\"A_SalesOrderItem\"]}}").build();
        }
        return error(405, "/IWBEP/CM_MGW_RT/020", "Method " + method + " not allowed for " + relative, null);
    }

    private synchronized ResponseDefinition createSalesOrder(JsonNode body) {
        String soldTo = body.path("SoldToParty").asText("");
        if (!partners.containsKey(soldTo)) {
            return error(400, "V1/320", "Sold-to party " + soldTo + " does not exist", "SoldToParty");
        }
        String reference = body.path("PurchaseOrderByCustomer").asText("");
        if (reference.isBlank()) {
            return error(400, "V1/386", "Enter the customer purchase order number", "PurchaseOrderByCustomer");
        }
        if (!body.path("to_Item").isArray() || body.path("to_Item").isEmpty()) {
            return error(400, "V1/555", "The sales document is not complete: no items", "to_Item");
        }
        for (JsonNode line : body.path("to_Item")) {
            ResponseDefinition invalid = invalidItem(line);
            if (invalid != null) {
                return invalid;
            }
        }
        String number = String.valueOf(salesOrderNumbers.incrementAndGet());
        ObjectNode order = ((ObjectNode) body).deepCopy();
        order.put("SalesOrder", number);
        order.put("OverallSDProcessStatus", "A");
        order.put("OverallDeliveryStatus", "A");
        order.put("CreationDate", today());
        ArrayNode items = json.createArrayNode();
        body.path("to_Item").forEach(line -> items.add(stampItem(order, (ObjectNode) line.deepCopy())));
        order.putObject("to_Item").set("results", items);
        total(order);
        stampOrder(order);
        salesOrders.put(number, order);
        salesOrderByReference.put(reference, number);
        java.time.Duration delay = invoiceAfter;
        if (delay != null) {
            long due = System.currentTimeMillis() + delay.toMillis();
            invoiceDue.put(number, due);
            scheduleInvoice(number, due);
        }
        return ok(201, order.deepCopy(), etag(order));
    }

    /** {@code A_BillingDocument?$filter=LastChangeDateTime ge datetimeoffset'…'&$orderby=LastChangeDateTime asc&$top=n}. */
    /**
     * {@code $filter=<DateField> ge datetime'…' and <DateField> le datetime'…'} with {@code $top}/{@code $skip}, ordered by
     * the entity's key: what a reconciliation reads.
     */
    private ResponseDefinition window(java.util.Collection<ObjectNode> all, String relative, String key) {
        Matcher w = DATE_WINDOW.matcher(relative);
        w.find();
        String field = w.group(1);
        long from = java.time.LocalDate.parse(w.group(2)).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli();
        long to = java.time.LocalDate.parse(w.group(3)).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli();
        Matcher top = TOP.matcher(relative);
        Matcher skip = SKIP.matcher(relative);
        int limit = top.find() ? Integer.parseInt(top.group(1)) : 1000;
        int offset = skip.find() ? Integer.parseInt(skip.group(1)) : 0;
        ArrayNode results = json.createArrayNode();
        all.stream().filter(e -> {
                    String text = e.path(field).asText("");
                    if (!text.startsWith("/Date(")) {
                        return false;
                    }
                    long at = Long.parseLong(text.replaceAll("/Date\\((-?\\d+).*", "$1"));
                    return at >= from && at <= to;
                })
                .sorted(java.util.Comparator.comparing(e -> e.path(key).asText()))
                .skip(offset).limit(limit).forEach(e -> {
                    ObjectNode copy = e.deepCopy();
                    if (relative.contains("$expand=to_BusinessPartnerAddress")) {
                        synchronized (e) {
                            copy.set("to_BusinessPartnerAddress", expandedAddresses(e));
                        }
                    }
                    results.add(copy);
                });
        ObjectNode d = json.createObjectNode();
        d.set("results", results);
        return ok(200, d, null);
    }

    /** Today (UTC) as an OData V2 {@code Edm.DateTime} date: {@code /Date(<midnight ms>)/}. */
    public static String today() {
        return "/Date(" + java.time.LocalDate.now(java.time.ZoneOffset.UTC).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli() + ")/";
    }

    /**
     * Under the lock {@link #issueInvoice} takes: a read sees every document issued before it or none issued after it
     * began (the map's own iteration is only weakly consistent, so a concurrent reader could see a later document
     * without an earlier one and a poller's watermark would pass the earlier one by).
     */
    private synchronized ResponseDefinition billingDocuments(String relative) {
        if (DATE_WINDOW.matcher(relative).find()) {
            return window(billingDocuments.values(), relative, "BillingDocument");
        }
        return changedSince(billingDocuments.values(), relative);
    }

    /** {@code $filter=LastChangeDateTime ge datetimeoffset'…'&$orderby=LastChangeDateTime asc&$top=n}: what a poller reads. */
    private ResponseDefinition changedSince(java.util.Collection<ObjectNode> all, String relative) {
        Matcher since = CHANGED_SINCE.matcher(relative);
        long from = since.find() ? Instant.parse(since.group(1)).toEpochMilli() : Long.MIN_VALUE;
        Matcher until = CHANGED_UNTIL.matcher(relative);
        long to = until.find() ? Instant.parse(until.group(1)).toEpochMilli() : Long.MAX_VALUE;
        Matcher top = TOP.matcher(relative);
        int limit = top.find() ? Integer.parseInt(top.group(1)) : 1000;
        ArrayNode results = json.createArrayNode();
        all.stream()
                .filter(d -> d.path("LastChangeDateTime").asText("").startsWith("/Date("))
                .filter(d -> changedAt(d) >= from && changedAt(d) <= to)
                .sorted(java.util.Comparator.comparingLong(SapBusinessPartnerSandbox::changedAt))
                .limit(limit)
                .forEach(d -> results.add(d.deepCopy()));
        ObjectNode d = json.createObjectNode();
        d.set("results", results);
        return ok(200, d, null);
    }

    private static long changedAt(JsonNode doc) {
        return Long.parseLong(doc.path("LastChangeDateTime").asText().replaceAll("/Date\\((\\d+).*", "$1"));
    }

    private ResponseDefinition invalidItem(JsonNode line) {
        if (line.path("Material").asText("").isBlank()) {
            return error(400, "V1/391", "Enter a material", "Material");
        }
        if (new java.math.BigDecimal(line.path("RequestedQuantity").asText("0")).signum() <= 0) {
            return error(400, "V1/392", "Enter a requested quantity greater than zero", "RequestedQuantity");
        }
        return null;
    }

    private ResponseDefinition updateItem(Request request, ObjectNode order, ObjectNode line) throws Exception {
        String ifMatch = request.getHeader("If-Match");
        if (ifMatch == null) {
            return error(428, "/IWBEP/CM_MGW_RT/022", "Precondition required: send If-Match", null);
        }
        synchronized (order) {
            if (!ifMatch.equals("*") && !ifMatch.equals(etag(line))) {
                return error(412, "/IWBEP/CM_MGW_RT/021", "Precondition failed: the entity was changed", null);
            }
            json.readTree(request.getBodyAsString()).fields().forEachRemaining(f -> {
                if (!f.getKey().startsWith("to_") && !f.getKey().equals("SalesOrder") && !f.getKey().equals("SalesOrderItem")) {
                    line.set(f.getKey(), f.getValue());
                }
            });
            stampItem(order, line);
            total(order);
            stampOrder(order);
        }
        return new ResponseDefinitionBuilder().withStatus(204).withHeader("ETag", etag(line)).build();
    }

    private static ObjectNode itemOf(ObjectNode order, String itemNo) {
        for (JsonNode line : order.path("to_Item").path("results")) {
            if (itemNo.equals(line.path("SalesOrderItem").asText())) {
                return (ObjectNode) line;
            }
        }
        return null;
    }

    /** The gross price condition of the sandbox's pricing procedure (a customer condition, as in a real installation). */
    public static final String GROSS_PRICE_CONDITION = "ZPRG";
    /** Output tax by the item's tax classification, as the tax determination of a mainland China company code would find it. */
    private static final Map<String, java.math.BigDecimal> TAX_BY_CLASSIFICATION = Map.of("1", new java.math.BigDecimal("0.13"),
            "2", new java.math.BigDecimal("0.09"), "3", new java.math.BigDecimal("0.06"), "0", java.math.BigDecimal.ZERO);

    /**
     * Each open item priced as SAP's pricing would: PR00 is a net price (tax = net × rate), {@link #GROSS_PRICE_CONDITION}
     * a price including tax (tax = gross × rate / (1 + rate)); amounts and tax per item to the cent, the rate from the
     * item's tax classification (none given: the material's, 13 %). The order's net amount is the items' sum.
     */
    private static void total(ObjectNode order) {
        java.math.BigDecimal total = java.math.BigDecimal.ZERO;
        for (JsonNode line : order.path("to_Item").path("results")) {
            if (!line.path("SalesDocumentRjcnReason").asText("").isEmpty()) {
                continue;
            }
            java.math.BigDecimal rate = java.math.BigDecimal.ZERO;
            boolean gross = false;
            for (JsonNode price : line.path("to_PricingElement")) {
                String type = price.path("ConditionType").asText();
                if ("PR00".equals(type) || GROSS_PRICE_CONDITION.equals(type)) {
                    rate = new java.math.BigDecimal(price.path("ConditionRateValue").asText("0"));
                    gross = GROSS_PRICE_CONDITION.equals(type);
                }
            }
            java.math.BigDecimal taxRate = TAX_BY_CLASSIFICATION.getOrDefault(line.path("ProductTaxClassification1").asText("1"),
                    new java.math.BigDecimal("0.13"));
            java.math.BigDecimal extended = rate.multiply(new java.math.BigDecimal(line.path("RequestedQuantity").asText("0")))
                    .setScale(2, java.math.RoundingMode.HALF_UP);
            java.math.BigDecimal net;
            java.math.BigDecimal tax;
            if (gross) {
                tax = extended.multiply(taxRate).divide(java.math.BigDecimal.ONE.add(taxRate), java.math.MathContext.DECIMAL128)
                        .setScale(2, java.math.RoundingMode.HALF_UP);
                net = extended.subtract(tax);
            } else {
                net = extended;
                tax = net.multiply(taxRate).setScale(2, java.math.RoundingMode.HALF_UP);
            }
            ((ObjectNode) line).put("NetAmount", net.toPlainString()).put("TaxAmount", tax.toPlainString());
            total = total.add(net);
        }
        order.put("TotalNetAmount", total.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString());
        boolean allRejected = order.path("to_Item").path("results").size() > 0;
        for (JsonNode line : order.path("to_Item").path("results")) {
            allRejected &= !line.path("SalesDocumentRjcnReason").asText("").isEmpty();
        }
        order.put("OverallSDDocumentRejectionSts", allRejected ? "C" : "A");
    }

    private static ObjectNode stampItem(ObjectNode order, ObjectNode line) {
        String number = order.path("SalesOrder").asText();
        String key = "A_SalesOrderItem(SalesOrder='" + number + "',SalesOrderItem='" + line.path("SalesOrderItem").asText() + "')";
        line.put("SalesOrder", number);
        ObjectNode meta = line.putObject("__metadata");
        meta.put("id", key);
        meta.put("uri", SALES_ORDER_PATH + key);
        meta.put("type", "API_SALES_ORDER_SRV.A_SalesOrderItemType");
        meta.put("etag", "W/\"datetimeoffset'" + Instant.now() + "-" + System.nanoTime() + "'\"");
        return line;
    }

    private void stampOrder(ObjectNode order) {
        String number = order.path("SalesOrder").asText();
        String changed = "/Date(" + changeMillis() + "+0000)/";
        order.put("LastChangeDateTime", changed);
        ObjectNode meta = order.putObject("__metadata");
        meta.put("id", "A_SalesOrder('" + number + "')");
        meta.put("uri", SALES_ORDER_PATH + "A_SalesOrder('" + number + "')");
        meta.put("type", "API_SALES_ORDER_SRV.A_SalesOrderType");
        meta.put("etag", "W/\"datetimeoffset'" + changed + "'\"");
    }

    private ResponseDefinition error(int status, String code, String message, String target) {
        ObjectNode root = json.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.putObject("message").put("lang", "en").put("value", message);
        if (target != null) {
            error.putObject("innererror").putArray("errordetails").addObject().put("code", code).put("message", message)
                    .put("target", target).put("severity", "error");
        }
        return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(root.toString()).build();
    }
}
