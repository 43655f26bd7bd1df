package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Stripe sandbox's balance transactions (docs/connectors/stripe.md, "Daily statement"), made on request from the
 * succeeded PaymentIntents (a {@code charge} transaction, source the Charge) and the refunds (a {@code refund}
 * transaction, source the Refund, {@code amount} negative, fee 0). The fee is the sandbox's price: 2.9 % of the amount
 * plus 0.30 of the currency's major unit, each rounded half-up to the currency's minor unit (0.30 is 30 cents, 300 for
 * a three-decimal currency, nothing for a zero-decimal one such as JPY). Settlement is in the charge's currency
 * ({@code exchange_rate} null). Ids are derived from the source's id ({@code txn_<source id without _>}), so the
 * cursor of a list is stable. Its own code, not the connector's (D19).
 */
final class StripeSandboxLedger {
    static final BigDecimal FEE_RATE = new BigDecimal("0.029");
    static final BigDecimal FEE_FIXED = new BigDecimal("0.30");
    private static final Set<String> ZERO_DECIMAL = Set.of("BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF",
            "VND", "VUV", "XAF", "XOF", "XPF");
    private static final Set<String> THREE_DECIMAL = Set.of("BHD", "JOD", "KWD", "OMR", "TND");

    private final ObjectMapper json;
    private final Map<String, ObjectNode> edits = new ConcurrentHashMap<>();

    StripeSandboxLedger(ObjectMapper json) {
        this.json = json;
    }

    void edit(String reference, ObjectNode edit) {
        edits.put(reference, edit);
    }

    /** The fee in minor units of {@code amount} minor units: 2.9 % + 0.30, each rounded half-up to the minor unit. */
    static long fee(long amount, String currency) {
        int digits = digits(currency);
        BigDecimal rate = BigDecimal.valueOf(amount).multiply(FEE_RATE).setScale(0, RoundingMode.HALF_UP);
        BigDecimal fixed = FEE_FIXED.movePointRight(digits).setScale(0, RoundingMode.HALF_UP);
        return rate.add(fixed).longValueExact();
    }

    static int digits(String currency) {
        String code = currency.toUpperCase(Locale.ROOT);
        return ZERO_DECIMAL.contains(code) ? 0 : THREE_DECIMAL.contains(code) ? 3 : Currency.getInstance(code).getDefaultFractionDigits();
    }

    /**
     * {@code GET /v1/balance_transactions}: {@code created[gte|gt|lt|lte]}, {@code limit} (1–100, default 10),
     * {@code starting_after}, {@code expand[]=data.source}; newest first. Null when the cursor is not one of the list.
     */
    ObjectNode list(Map<String, List<String>> params, Map<String, ObjectNode> intents, Map<String, ObjectNode> refunds,
                    Map<String, ObjectNode> paymentEvents) {
        long gte = number(params, "created[gte]", Long.MIN_VALUE);
        long gt = number(params, "created[gt]", Long.MIN_VALUE);
        long lt = number(params, "created[lt]", Long.MAX_VALUE);
        long lte = number(params, "created[lte]", Long.MAX_VALUE);
        int limit = (int) Math.max(1, Math.min(100, number(params, "limit", 10)));
        boolean expand = params.getOrDefault("expand[]", List.of()).contains("data.source");
        List<ObjectNode> all = new ArrayList<>();
        for (ObjectNode intent : intents.values()) {
            if ("succeeded".equals(intent.path("status").asText())) {
                ObjectNode event = paymentEvents.get(intent.path("id").asText());
                long created = event != null ? event.path("created").asLong() : intent.path("created").asLong();
                ObjectNode txn = charge(intent, created, edits.get(intent.path("metadata").path("crm_payment_reference").asText()));
                if (txn != null) {
                    all.add(txn);
                }
            }
        }
        for (Map.Entry<String, ObjectNode> e : edits.entrySet()) { // payments only Stripe knows
            if (e.getValue().has("day") && intents.values().stream().noneMatch(i -> e.getKey().equals(i.path("metadata").path("crm_payment_reference").asText()))) {
                all.add(stranger(e.getKey(), e.getValue()));
            }
        }
        for (ObjectNode refund : refunds.values()) {
            if ("succeeded".equals(refund.path("status").asText())) {
                ObjectNode txn = refund(refund, edits.get(refund.path("metadata").path("crm_refund_reference").asText()));
                if (txn != null) {
                    all.add(txn);
                }
            }
        }
        all.removeIf(t -> {
            long c = t.path("created").asLong();
            return c < gte || c <= gt || c >= lt || c > lte;
        });
        all.sort(Comparator.comparingLong((ObjectNode t) -> t.path("created").asLong()).reversed()
                .thenComparing(t -> t.path("id").asText(), Comparator.reverseOrder()));
        int start = 0;
        List<String> after = params.get("starting_after");
        if (after != null && !after.isEmpty()) {
            start = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).path("id").asText().equals(after.get(0))) {
                    start = i + 1;
                }
            }
            if (start < 0) {
                return null;
            }
        }
        ObjectNode page = json.createObjectNode().put("object", "list").put("url", "/v1/balance_transactions");
        ArrayNode data = page.putArray("data");
        for (int i = start; i < Math.min(all.size(), start + limit); i++) {
            ObjectNode txn = all.get(i);
            if (!expand) {
                txn.put("source", txn.path("source").path("id").asText());
            }
            data.add(txn);
        }
        return page.put("has_more", start + limit < all.size());
    }

    private ObjectNode charge(ObjectNode intent, long created, ObjectNode edit) {
        if (edit != null && edit.path("drop").asBoolean(false)) {
            return null;
        }
        String currency = intent.path("currency").asText();
        long amount = edit != null && edit.has("amount") ? minor(edit.path("amount").asText(), currency) : intent.path("amount_received").asLong();
        String chargeId = intent.path("latest_charge").isTextual() ? intent.path("latest_charge").asText() : "ch_" + intent.path("id").asText().substring(3);
        ObjectNode charge = json.createObjectNode().put("id", chargeId).put("object", "charge").put("amount", amount)
                .put("amount_captured", amount).put("created", created).put("currency", currency)
                .put("payment_intent", intent.path("id").asText()).put("paid", true).put("status", "succeeded");
        charge.set("metadata", intent.path("metadata").deepCopy());
        long fee = edit != null && edit.has("fee") ? minor(edit.path("fee").asText(), currency) : fee(amount, currency);
        return transaction(txnId(chargeId), "charge", amount, fee, currency, created, charge);
    }

    private ObjectNode stranger(String reference, ObjectNode edit) {
        String currency = edit.path("currency").asText("usd").toLowerCase(Locale.ROOT);
        long amount = minor(edit.path("amount").asText("0"), currency);
        long created = LocalDate.parse(edit.path("day").asText()).atTime(12, 0).toEpochSecond(ZoneOffset.UTC);
        String suffix = Integer.toHexString(reference.hashCode() & 0x7fffffff);
        ObjectNode charge = json.createObjectNode().put("id", "ch_only" + suffix).put("object", "charge").put("amount", amount)
                .put("amount_captured", amount).put("created", created).put("currency", currency)
                .put("payment_intent", "pi_only" + suffix).put("paid", true).put("status", "succeeded");
        charge.putObject("metadata").put("crm_payment_reference", reference);
        return transaction(txnId("ch_only" + suffix), "charge", amount, fee(amount, currency), currency, created, charge);
    }

    private ObjectNode refund(ObjectNode refund, ObjectNode edit) {
        if (edit != null && edit.path("drop").asBoolean(false)) {
            return null;
        }
        String currency = refund.path("currency").asText();
        ObjectNode source = refund.deepCopy();
        if (edit != null && edit.has("amount")) {
            source.put("amount", minor(edit.path("amount").asText(), currency));
        }
        String txnId = txnId(refund.path("id").asText());
        source.put("balance_transaction", txnId);
        return transaction(txnId, "refund", -source.path("amount").asLong(), 0, currency, refund.path("created").asLong(), source);
    }

    private ObjectNode transaction(String id, String type, long amount, long fee, String currency, long created, ObjectNode source) {
        ObjectNode txn = json.createObjectNode().put("id", id).put("object", "balance_transaction").put("amount", amount)
                .put("available_on", created + 2 * 86_400).put("balance_type", "payments").put("created", created)
                .put("currency", currency).put("description", source.path("description").asText(null))
                .put("fee", fee).put("net", amount - fee).put("reporting_category", type).put("status", "pending").put("type", type);
        txn.putNull("exchange_rate");
        ArrayNode details = txn.putArray("fee_details");
        if (fee != 0) {
            details.addObject().put("amount", fee).put("currency", currency).put("description", "Stripe processing fees")
                    .put("type", "stripe_fee").putNull("application");
        }
        txn.set("source", source);
        return txn;
    }

    /** The transaction of a source: {@code ch_abc} → {@code txn_chabc}, so a charge's and a refund's never collide. */
    private static String txnId(String sourceId) {
        return "txn_" + sourceId.replace("_", "");
    }

    private static long minor(String major, String currency) {
        return new BigDecimal(major).movePointRight(digits(currency)).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }

    private static long number(Map<String, List<String>> params, String name, long otherwise) {
        List<String> values = params.get(name);
        try {
            return values == null || values.isEmpty() ? otherwise : Long.parseLong(values.get(0));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
