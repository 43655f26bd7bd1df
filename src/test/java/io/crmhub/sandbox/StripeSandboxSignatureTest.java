package io.crmhub.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.net.Webhook;
import org.junit.jupiter.api.Test;

/** The sandbox signs with its own HMAC code (D19); it must agree with providers.md's vector and with stripe-java. */
class StripeSandboxSignatureTest {

    @Test
    void theSandboxsSignatureIsStripes() throws Exception {
        assertThat(StripeSandbox.signature("whsec_test_secret", 1_700_000_000L, "{\"id\":\"evt_test\",\"object\":\"event\"}"))
                .isEqualTo("8042376f6ca064adbe037642a718227dfd59047137eb49497a54c49eb0cfb724");
        String secret = "whsec_" + StripeSandbox.random(32);
        String payload = "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\",\"data\":{\"object\":{}}}";
        long t = System.currentTimeMillis() / 1000;
        assertThat(Webhook.Signature.verifyHeader(payload, "t=" + t + ",v1=" + StripeSandbox.signature(secret, t, payload), secret, 300))
                .isTrue();
    }
}
