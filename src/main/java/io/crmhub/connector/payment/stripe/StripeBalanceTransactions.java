package io.crmhub.connector.payment.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.PaymentStatementSource.Kind;
import io.crmhub.crm.canonical.PaymentStatementSource.Row;
import io.crmhub.routing.PermanentConnectorException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One page of {@code GET /v1/balance_transactions?expand[]=data.source} read into statement rows
 * (docs/connectors/stripe.md, "Daily statement"). A {@code charge} / {@code payment} transaction is a payment: its
 * provider id is the Charge's {@code payment_intent} (the PaymentIntent id the hub keeps as the payment's
 * {@code provider_txn_id}), our reference the Charge's {@code metadata.crm_payment_reference} where Stripe carries it
 * (else the PaymentIntent id, which the matching falls back to), the amount the Charge's {@code amount} in its own
 * (presentment) currency. A {@code refund} transaction is a refund: the Refund's {@code re_…} id (the hub's provider
 * refund id), our refund reference from its {@code metadata.crm_refund_reference} (set by the connector). The fee is
 * the transaction's {@code fee} (settlement currency). Amounts are Stripe's integer minor units, converted exactly.
 * Payouts, adjustments, {@code refund_failure} and the other types are not payments of ours and are skipped (a failed
 * refund's own {@code refund} line stays, so the CRM's failed refund shows as {@code ONLY_AT_PROVIDER} for a human). A transaction whose
 * {@code net} is not {@code amount − fee}, or whose source is not expanded, refuses the whole statement.
 */
final class StripeBalanceTransactions {
    static final Set<String> PAYMENT_TYPES = Set.of("charge", "payment");
    /** {@code payment_refund} is the refund of a {@code payment} (local payment methods), as {@code refund} is of a charge. */
    static final Set<String> REFUND_TYPES = Set.of("refund", "payment_refund");

    private StripeBalanceTransactions() {
    }

    /** The page's rows (in Stripe's order, newest first), whether there are more, and the last id for {@code starting_after}. */
    record Page(List<Row> rows, boolean hasMore, String lastId) {
    }

    static Page parse(JsonNode page, String what) {
        if (!"list".equals(page.path("object").asText()) || !page.path("data").isArray()) {
            throw refused(what, "is not a list of balance transactions: " + excerpt(page));
        }
        List<Row> rows = new ArrayList<>();
        String lastId = null;
        for (JsonNode txn : page.path("data")) {
            String id = txn.path("id").asText("");
            if (id.isEmpty() || !txn.path("amount").canConvertToLong() || !txn.path("fee").canConvertToLong()
                    || !txn.path("net").canConvertToLong() || !txn.path("created").canConvertToLong()) {
                throw refused(what, "has a transaction without id, amount, fee, net or created: " + excerpt(txn));
            }
            lastId = id;
            long amount = txn.path("amount").asLong();
            long fee = txn.path("fee").asLong();
            if (txn.path("net").asLong() != amount - fee) {
                throw refused(what, "does not add up: transaction " + id + " has net " + txn.path("net").asLong() + ", not amount "
                        + amount + " − fee " + fee);
            }
            String type = txn.path("type").asText("");
            boolean payment = PAYMENT_TYPES.contains(type);
            if (!payment && !REFUND_TYPES.contains(type)) {
                continue; // payouts, adjustments, Stripe's own fees: not a payment or refund of ours
            }
            JsonNode source = txn.path("source");
            if (!source.isObject()) {
                throw refused(what, "transaction " + id + " has no expanded source (expand[]=data.source is needed)");
            }
            String currency = source.path("currency").asText("").toUpperCase(Locale.ROOT);
            String settlement = txn.path("currency").asText("").toUpperCase(Locale.ROOT);
            if (currency.isEmpty() || settlement.isEmpty() || !source.path("amount").canConvertToLong()) {
                throw refused(what, "transaction " + id + " has no currency or its source no amount");
            }
            BigDecimal gross = StripeAmounts.major(source.path("amount").asLong(), currency);
            BigDecimal charged = StripeAmounts.major(Math.abs(fee), settlement);
            Instant at = Instant.ofEpochSecond(txn.path("created").asLong());
            JsonNode metadata = source.path("metadata");
            String intent = idOf(source.path("payment_intent"));
            if (payment) {
                String providerId = intent != null ? intent : text(source.path("id"), id);
                String reference = text(metadata.path(StripeNotificationVerifier.PAYMENT_REFERENCE), providerId);
                rows.add(new Row(Kind.PAYMENT, reference, providerId, reference, gross, charged, currency, at));
            } else {
                String refundId = text(source.path("id"), id);
                String reference = text(metadata.path(StripeNotificationVerifier.REFUND_REFERENCE), refundId);
                String paymentReference = text(metadata.path(StripeNotificationVerifier.PAYMENT_REFERENCE), intent);
                rows.add(new Row(Kind.REFUND, reference, refundId, paymentReference, gross.abs(), charged, currency, at));
            }
        }
        return new Page(rows, page.path("has_more").asBoolean(false), lastId);
    }

    /** An id that is either a string or an expanded object. */
    private static String idOf(JsonNode node) {
        return node.isObject() ? text(node.path("id"), null) : text(node, null);
    }

    private static String text(JsonNode node, String otherwise) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText().strip() : otherwise;
    }

    private static String excerpt(JsonNode node) {
        String text = node.toString();
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static PermanentConnectorException refused(String what, String why) {
        return new PermanentConnectorException(StripeGateway.CONNECTOR, what + " " + why);
    }
}
