package io.crmhub.connector.payment.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.model.BalanceTransaction;
import com.stripe.model.BalanceTransactionCollection;
import com.stripe.model.Charge;
import com.stripe.model.Refund;
import com.stripe.net.ApiResource;
import io.crmhub.crm.canonical.PaymentStatementSource.Kind;
import io.crmhub.crm.canonical.PaymentStatementSource.Row;
import io.crmhub.routing.PermanentConnectorException;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A page of balance transactions with {@code expand[]=data.source} as docs/connectors/stripe.md describes it; the same
 * JSON is read by stripe-java's own model, so the sample has Stripe's shape.
 */
class StripeBalanceTransactionsTest {
    private static final String PAGE = """
            {"object":"list","url":"/v1/balance_transactions","has_more":true,"data":[
              {"id":"txn_3Refund","object":"balance_transaction","amount":-1000,"fee":0,"net":-1000,"currency":"usd",
               "created":1764604800,"type":"refund","reporting_category":"refund","status":"pending","fee_details":[],
               "source":{"id":"re_3Refund","object":"refund","amount":1000,"currency":"usd","charge":"ch_3Charge",
                         "payment_intent":"pi_3Intent","status":"succeeded",
                         "metadata":{"crm_payment_reference":"SO-1-P1","crm_refund_reference":"SO-1-P1-R1"}}},
              {"id":"txn_3Payout","object":"balance_transaction","amount":-5000,"fee":0,"net":-5000,"currency":"usd",
               "created":1764604700,"type":"payout","reporting_category":"payout","status":"available","fee_details":[],
               "source":{"id":"po_3Payout","object":"payout","amount":5000,"currency":"usd"}},
              {"id":"txn_3Charge","object":"balance_transaction","amount":17600,"fee":540,"net":17060,"currency":"usd",
               "created":1764590400,"type":"charge","reporting_category":"charge","status":"pending",
               "fee_details":[{"amount":540,"currency":"usd","type":"stripe_fee","description":"Stripe processing fees"}],
               "source":{"id":"ch_3Charge","object":"charge","amount":17600,"currency":"usd","payment_intent":"pi_3Intent",
                         "paid":true,"status":"succeeded","metadata":{"crm_payment_reference":"SO-1-P1"}}},
              {"id":"txn_3Yen","object":"balance_transaction","amount":1500,"fee":54,"net":1446,"currency":"jpy",
               "created":1764590000,"type":"payment","reporting_category":"charge","status":"pending","fee_details":[],
               "source":{"id":"py_3Yen","object":"charge","amount":1500,"currency":"jpy","payment_intent":"pi_3Yen","metadata":{}}}
            ]}""";
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void chargesAndRefundsBecomeRowsMatchedByPaymentIntentAndRefundIdInExactMajorUnitsPayoutsAreSkipped() throws Exception {
        StripeBalanceTransactions.Page page = StripeBalanceTransactions.parse(json.readTree(PAGE), "page");
        assertThat(page.rows()).containsExactly(
                new Row(Kind.REFUND, "SO-1-P1-R1", "re_3Refund", "SO-1-P1", new BigDecimal("10.00"), new BigDecimal("0.00"), "USD",
                        Instant.ofEpochSecond(1764604800)),
                new Row(Kind.PAYMENT, "SO-1-P1", "pi_3Intent", "SO-1-P1", new BigDecimal("176.00"), new BigDecimal("5.40"), "USD",
                        Instant.ofEpochSecond(1764590400)),
                // no reference of ours on the Charge: the PaymentIntent id stands in, and the matching uses it
                new Row(Kind.PAYMENT, "pi_3Yen", "pi_3Yen", "pi_3Yen", new BigDecimal("1500"), new BigDecimal("54"), "JPY",
                        Instant.ofEpochSecond(1764590000)));
        assertThat(page.hasMore()).isTrue();
        assertThat(page.lastId()).isEqualTo("txn_3Yen");
    }

    @Test
    void theSampleIsStripesShapeAsStripeJavaReadsIt() {
        BalanceTransactionCollection list = ApiResource.GSON.fromJson(PAGE, BalanceTransactionCollection.class);
        assertThat(list.getHasMore()).isTrue();
        BalanceTransaction refund = list.getData().get(0);
        assertThat(refund.getSourceObject()).isInstanceOf(Refund.class);
        assertThat(((Refund) refund.getSourceObject()).getMetadata()).containsEntry("crm_refund_reference", "SO-1-P1-R1");
        BalanceTransaction charge = list.getData().get(2);
        assertThat(charge.getFee()).isEqualTo(540L);
        assertThat(charge.getNet()).isEqualTo(charge.getAmount() - charge.getFee());
        assertThat(((Charge) charge.getSourceObject()).getPaymentIntent()).isEqualTo("pi_3Intent");
        assertThat(charge.getFeeDetails().get(0).getType()).isEqualTo("stripe_fee");
    }

    @Test
    void aTransactionThatDoesNotAddUpOrHasNoExpandedSourceRefusesTheStatement() throws Exception {
        JsonNode wrongNet = json.readTree(PAGE.replace("\"net\":17060", "\"net\":17061"));
        assertThatThrownBy(() -> StripeBalanceTransactions.parse(wrongNet, "page")).isInstanceOf(PermanentConnectorException.class)
                .hasMessageContaining("txn_3Charge has net 17061");
        JsonNode collapsed = json.readTree("""
                {"object":"list","has_more":false,"data":[{"id":"txn_1","object":"balance_transaction","amount":100,"fee":33,
                 "net":67,"currency":"usd","created":1764590400,"type":"charge","source":"ch_1"}]}""");
        assertThatThrownBy(() -> StripeBalanceTransactions.parse(collapsed, "page")).isInstanceOf(PermanentConnectorException.class)
                .hasMessageContaining("expand[]=data.source");
        assertThatThrownBy(() -> StripeBalanceTransactions.parse(json.readTree("{\"error\":{}}"), "page"))
                .isInstanceOf(PermanentConnectorException.class).hasMessageContaining("not a list");
    }
}
