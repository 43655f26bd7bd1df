package io.crmhub.sandbox;

import static io.crmhub.sandbox.SandboxCalls.JSON;
import static io.crmhub.sandbox.SandboxCalls.customerPays;
import static io.crmhub.sandbox.SandboxCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.sandbox.SandboxCalls.Webhook;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * "The customer pays" a second time for an order that is paid (the tour's pay command run again): no provider takes
 * a second payment; each re-sends the notification of the one payment (same notification, same transaction), and the
 * order keeps answering paid with that one transaction.
 */
class PaidOrderIsPaidOnceTest {

    @Test
    void wechatPayReSendsTheSameTransactionAndRefusesANewOrderForAPaidOutTradeNo() throws Exception {
        try (Webhook hub = new Webhook(); WechatPaySandboxServer wechat = WechatPaySandboxServer.start(0)) {
            assertThat(SandboxCalls.wechatNativeOrder(wechat, "SO-0000000001-P1", 17600, hub.url()).statusCode()).isEqualTo(200);
            JsonNode first = json(customerPays(wechat.baseUrl(), "SO-0000000001-P1", ""));
            JsonNode second = json(customerPays(wechat.baseUrl(), "SO-0000000001-P1", ""));
            assertThat(second.path("transaction_id").asText()).isNotEmpty().isEqualTo(first.path("transaction_id").asText());

            List<Webhook.Received> received = hub.received();
            assertThat(received).hasSize(2);
            JsonNode once = JSON.readTree(received.get(0).body());
            JsonNode again = JSON.readTree(received.get(1).body());
            assertThat(again.path("id").asText()).as("a re-delivery of the same notification").isEqualTo(once.path("id").asText());
            assertThat(SandboxCalls.wechatResource(wechat, again).path("transaction_id").asText())
                    .isEqualTo(SandboxCalls.wechatResource(wechat, once).path("transaction_id").asText())
                    .isEqualTo(first.path("transaction_id").asText());

            var reorder = SandboxCalls.wechatNativeOrder(wechat, "SO-0000000001-P1", 17600, hub.url());
            assertThat(reorder.statusCode()).isEqualTo(400);
            assertThat(json(reorder).path("code").asText()).isEqualTo("ORDERPAID");
            assertThat(json(reorder).path("message").asText()).isEqualTo("该订单已支付");

            JsonNode order = SandboxCalls.wechatQuery(wechat, "SO-0000000001-P1");
            assertThat(order.path("trade_state").asText()).isEqualTo("SUCCESS");
            assertThat(order.path("transaction_id").asText()).isEqualTo(first.path("transaction_id").asText());
            assertThat(order.path("amount").path("total").asLong()).isEqualTo(17600);
        }
    }

    @Test
    void alipayReSendsTheSameNotificationWithTheSameTradeNo() throws Exception {
        try (Webhook hub = new Webhook(); AlipaySandboxServer alipay = AlipaySandboxServer.start(0)) {
            SandboxCalls.alipayPrecreate(alipay, "SO-0000000001-P1", "176.00", hub.url());
            JsonNode first = json(customerPays(alipay.baseUrl(), "SO-0000000001-P1", ""));
            JsonNode second = json(customerPays(alipay.baseUrl(), "SO-0000000001-P1", ""));
            assertThat(second.path("trade_no").asText()).isNotEmpty().isEqualTo(first.path("trade_no").asText());

            List<Webhook.Received> received = hub.received();
            assertThat(received).hasSize(2);
            Map<String, String> once = form(received.get(0).body());
            Map<String, String> again = form(received.get(1).body());
            assertThat(again.get("notify_id")).as("a re-delivery of the same notification").isEqualTo(once.get("notify_id"));
            assertThat(again.get("trade_no")).isEqualTo(once.get("trade_no")).isEqualTo(first.path("trade_no").asText());

            JsonNode trade = SandboxCalls.alipayQuery(alipay, "SO-0000000001-P1");
            assertThat(trade.path("trade_status").asText()).isEqualTo("TRADE_SUCCESS");
            assertThat(trade.path("trade_no").asText()).isEqualTo(first.path("trade_no").asText());
        }
    }

    @Test
    void stripeReSendsTheSameEventWithTheSameCharge() throws Exception {
        try (Webhook hub = new Webhook(); StripeSandboxServer stripe = StripeSandboxServer.start(0)) {
            stripe.hubProperties(hub.url());
            String intent = json(SandboxCalls.stripe(stripe, "POST", "/v1/payment_intents",
                    SandboxCalls.stripeIntentForm("SO-0000000001-P1", 17600), "crmhub-payment-SO-0000000001-P1")).path("id").asText();
            customerPays(stripe.baseUrl(), "SO-0000000001-P1", "");
            String charge = json(SandboxCalls.stripe(stripe, "GET", "/v1/payment_intents/" + intent, "", null)).path("latest_charge").asText();
            customerPays(stripe.baseUrl(), "SO-0000000001-P1", "");

            List<Webhook.Received> received = hub.received();
            assertThat(received).hasSize(2);
            JsonNode once = JSON.readTree(received.get(0).body());
            JsonNode again = JSON.readTree(received.get(1).body());
            assertThat(again.path("id").asText()).as("a re-delivery of the same event").isEqualTo(once.path("id").asText());
            assertThat(again.path("data").path("object").path("latest_charge").asText()).isEqualTo(charge);

            JsonNode paid = json(SandboxCalls.stripe(stripe, "GET", "/v1/payment_intents/" + intent, "", null));
            assertThat(paid.path("status").asText()).isEqualTo("succeeded");
            assertThat(paid.path("latest_charge").asText()).as("no second charge").isEqualTo(charge);
            assertThat(paid.path("amount_received").asLong()).isEqualTo(17600);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> params = new TreeMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
        }
        return params;
    }
}
