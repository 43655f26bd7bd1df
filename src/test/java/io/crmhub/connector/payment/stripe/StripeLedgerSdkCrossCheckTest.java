package io.crmhub.connector.payment.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.model.BalanceTransaction;
import com.stripe.model.BalanceTransactionCollection;
import com.stripe.model.Charge;
import com.stripe.model.Refund;
import com.stripe.net.ApiResource;
import io.crmhub.crm.canonical.PaymentStatementSource.Kind;
import io.crmhub.crm.canonical.PaymentStatementSource.Row;
import io.crmhub.sandbox.StripeSandbox;
import io.crmhub.sandbox.StripeSandboxServer;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The Stripe sandbox's balance transactions as stripe-java reads them ({@code ApiResource.GSON}, the SDK's own
 * deserialiser): Stripe's shape, the expanded Charge and Refund, the fee of 2.9 % + 0.30, {@code created} bounds and
 * {@code starting_after} paging; and the connector's parser reads the same pages.
 */
class StripeLedgerSdkCrossCheckTest {
    private static final StripeSandboxServer SANDBOX = StripeSandboxServer.start(0);
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterAll
    static void stop() {
        SANDBOX.close();
    }

    @Test
    void aPagedListOfTheDayHasStripesShapeAndReadsBackAsTheSandboxsChargesAndRefunds() throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        long noon = day.atTime(12, 0).toEpochSecond(ZoneOffset.UTC);
        ObjectNode intent = json.createObjectNode().put("id", "pi_sdk1").put("object", "payment_intent").put("amount", 17600)
                .put("amount_received", 17600).put("currency", "usd").put("created", noon).put("status", "succeeded")
                .put("latest_charge", "ch_sdk1");
        intent.putObject("metadata").put("crm_payment_reference", "SDK-P1");
        SANDBOX.stripe().paymentIntents().put("pi_sdk1", intent);
        ObjectNode other = intent.deepCopy().put("id", "pi_sdk0").put("created", noon - 2 * 86_400).put("latest_charge", "ch_sdk0");
        SANDBOX.stripe().paymentIntents().put("pi_sdk0", other); // another day: outside the bounds
        ObjectNode refund = json.createObjectNode().put("id", "re_sdk1").put("object", "refund").put("amount", 1000)
                .put("charge", "ch_sdk1").put("created", noon + 60).put("currency", "usd").put("payment_intent", "pi_sdk1")
                .put("status", "succeeded");
        refund.putObject("metadata").put("crm_payment_reference", "SDK-P1").put("crm_refund_reference", "SDK-P1-R1");
        SANDBOX.stripe().refunds().put("re_sdk1", refund);

        List<Row> rows = new ArrayList<>();
        String after = null;
        List<BalanceTransaction> seen = new ArrayList<>();
        for (int page = 0; page < 3; page++) {
            String body = get("/v1/balance_transactions?created%5Bgte%5D=" + day.atStartOfDay().toEpochSecond(ZoneOffset.UTC)
                    + "&created%5Blt%5D=" + day.plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC) + "&limit=1&expand%5B%5D=data.source"
                    + (after == null ? "" : "&starting_after=" + after));
            BalanceTransactionCollection list = ApiResource.GSON.fromJson(body, BalanceTransactionCollection.class);
            seen.addAll(list.getData());
            StripeBalanceTransactions.Page read = StripeBalanceTransactions.parse(json.readTree(body), "page " + page);
            rows.addAll(read.rows());
            if (!read.hasMore()) {
                break;
            }
            after = read.lastId();
        }
        assertThat(seen).hasSize(2); // newest first: the refund, then the charge
        assertThat(seen.get(0).getType()).isEqualTo("refund");
        assertThat(((Refund) seen.get(0).getSourceObject()).getMetadata()).containsEntry("crm_refund_reference", "SDK-P1-R1");
        BalanceTransaction charge = seen.get(1);
        assertThat(charge.getFee()).isEqualTo(StripeSandbox.fee(17600, "usd")).isEqualTo(540L); // 2.9 % of 176.00 = 5.10, + 0.30
        assertThat(charge.getNet()).isEqualTo(17600 - 540);
        assertThat(charge.getFeeDetails().get(0).getType()).isEqualTo("stripe_fee");
        assertThat(((Charge) charge.getSourceObject()).getPaymentIntent()).isEqualTo("pi_sdk1");
        assertThat(rows).extracting(Row::kind, Row::reference, Row::providerId, Row::amount).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Kind.REFUND, "SDK-P1-R1", "re_sdk1", new BigDecimal("10.00")),
                org.assertj.core.groups.Tuple.tuple(Kind.PAYMENT, "SDK-P1", "pi_sdk1", new BigDecimal("176.00")));
        assertThat(StripeSandbox.fee(1000, "jpy")).as("no fixed part in a zero-decimal currency").isEqualTo(29L);
    }

    private String get(String path) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(SANDBOX.baseUrl() + path))
                .header("Authorization", "Bearer " + SANDBOX.stripe().secretKey()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }
}
