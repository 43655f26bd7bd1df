package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Kingdee sandbox's bills, form by form, with the server's id and number counters and its modify clock; what a
 * restart keeps of them. Everything that changes them holds this object's lock (one request or timed step at a time).
 */
final class KingdeeRecords {
    static final String CUSTOMER = "BD_Customer";
    static final String SALES_ORDER = "SAL_SaleOrder";
    static final String RECEIVABLE = "AR_receivable";
    static final String RECEIPT = "AR_RECEIVEBILL";
    static final String RECEIPT_REFUND = "AR_REFUNDBILL";
    /** Decimals kept exact (as Kingdee's decimal columns): 99.99 stays 99.99, never a double. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");
    /** Kingdee's preset currencies (PRE00n) and their ISO codes. */
    static final Map<String, String> CURRENCIES = Map.of("PRE001", "CNY", "PRE002", "HKD", "PRE003", "EUR", "PRE004", "JPY",
            "PRE005", "TWD", "PRE006", "GBP", "PRE007", "USD");

    private final Map<String, Map<Long, ObjectNode>> forms = new ConcurrentHashMap<>(Map.of(
            CUSTOMER, new ConcurrentHashMap<>(), SALES_ORDER, new ConcurrentHashMap<>(), RECEIVABLE, new ConcurrentHashMap<>(),
            RECEIPT, new ConcurrentHashMap<>(), RECEIPT_REFUND, new ConcurrentHashMap<>()));
    final AtomicLong ids = new AtomicLong(100_000);
    final AtomicLong entryIds = new AtomicLong(500_000);
    final AtomicLong billNumbers = new AtomicLong();
    final AtomicLong receivableNumbers = new AtomicLong();
    private LocalDateTime lastChange = LocalDateTime.MIN;

    boolean has(String formId) {
        return forms.containsKey(formId);
    }

    /** The bills of a form by id (FID; a customer's FCUSTID); null for a form the sandbox does not know. */
    Map<Long, ObjectNode> form(String formId) {
        return forms.get(formId);
    }

    /** A bill by its number ({@code FNumber} of a customer, {@code FBillNo} of a bill). */
    ObjectNode find(String formId, String number) {
        String key = CUSTOMER.equals(formId) ? "FNumber" : "FBillNo";
        return forms.get(formId).values().stream().filter(b -> number.equals(text(b, key))).findFirst().orElse(null);
    }

    /** Create and modify date-times, strictly increasing as in one Kingdee server. */
    synchronized void stamp(ObjectNode bill, boolean created) {
        LocalDateTime now = LocalDateTime.now(KingdeeSandbox.ZONE).truncatedTo(ChronoUnit.MILLIS);
        while (!now.isAfter(lastChange)) { // strictly increasing, never ahead of the clock (pollers cut off at "now")
            Thread.onSpinWait();
            now = LocalDateTime.now(KingdeeSandbox.ZONE).truncatedTo(ChronoUnit.MILLIS);
        }
        lastChange = now;
        if (created) {
            bill.put("FCreateDate", now.format(TIME));
        }
        bill.put("FModifyDate", now.format(TIME));
    }

    void clear() {
        forms.values().forEach(Map::clear);
    }

    /** Every bill of every form, the id and number counters and the modify clock, into a restart's {@code state}. */
    void writeTo(ObjectNode state) {
        ObjectNode bills = state.putObject("forms");
        forms.forEach((formId, byId) -> {
            ArrayNode list = bills.putArray(formId);
            byId.values().forEach(b -> list.add(b.deepCopy()));
        });
        state.putObject("counters").put("id", ids.get()).put("entryId", entryIds.get()).put("billNumber", billNumbers.get())
                .put("receivableNumber", receivableNumbers.get());
        if (!lastChange.equals(LocalDateTime.MIN)) {
            state.put("lastChange", lastChange.format(TIME));
        }
    }

    void readFrom(JsonNode state) {
        state.path("forms").fields().forEachRemaining(form -> {
            Map<Long, ObjectNode> byId = forms.get(form.getKey());
            if (byId != null) {
                String idKey = CUSTOMER.equals(form.getKey()) ? "FCUSTID" : "FID";
                form.getValue().forEach(b -> byId.put(b.path(idKey).asLong(), (ObjectNode) b.deepCopy()));
            }
        });
        JsonNode c = state.path("counters");
        ids.set(c.path("id").asLong(ids.get()));
        entryIds.set(c.path("entryId").asLong(entryIds.get()));
        billNumbers.set(c.path("billNumber").asLong(billNumbers.get()));
        receivableNumbers.set(c.path("receivableNumber").asLong(receivableNumbers.get()));
        if (state.hasNonNull("lastChange")) {
            lastChange = LocalDateTime.parse(state.path("lastChange").asText(), TIME);
        }
    }

    /** Field keys are case-insensitive in Kingdee. */
    static JsonNode field(JsonNode node, String key) {
        if (node == null || !node.isObject()) {
            return MissingNode.getInstance();
        }
        JsonNode exact = node.get(key);
        if (exact != null) {
            return exact;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.equalsIgnoreCase(key)) {
                return node.get(name);
            }
        }
        return MissingNode.getInstance();
    }

    static String text(JsonNode node, String key) {
        JsonNode v = field(node, key);
        return v.isValueNode() && !v.isNull() ? v.asText() : "";
    }
}
