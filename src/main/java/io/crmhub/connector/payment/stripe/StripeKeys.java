package io.crmhub.connector.payment.stripe;

import io.crmhub.routing.SecretValues;
import java.util.ArrayList;
import java.util.List;

/**
 * The secret API key and the webhook signing secrets, read once at start-up (value or {@code file:}); a malformed one
 * fails start-up naming the property, never printing the value.
 */
public final class StripeKeys {
    static final String PREFIX = "crmhub.connectors.payment-stripe.";
    private final String secretKey;
    private final List<String> webhookSecrets;

    public StripeKeys(StripeProperties properties) {
        this.secretKey = SecretValues.readLine(PREFIX + "secret-key", properties.secretKey());
        if (secretKey == null || !(secretKey.startsWith("sk_") || secretKey.startsWith("rk_")) || secretKey.length() < 8
                || secretKey.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalStateException(PREFIX + "secret-key must be a Stripe secret (sk_...) or restricted (rk_...) key");
        }
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < properties.webhookSecrets().size(); i++) {
            String name = PREFIX + "webhook-secrets[" + i + "]";
            String secret = SecretValues.readLine(name, properties.webhookSecrets().get(i));
            if (secret == null || !secret.startsWith("whsec_") || secret.length() < 10
                    || secret.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalStateException(name + " must be a webhook endpoint signing secret (whsec_...)");
            }
            secrets.add(secret);
        }
        this.webhookSecrets = List.copyOf(secrets);
    }

    String secretKey() {
        return secretKey;
    }

    /** Every secret a notification may be signed with (more than one while a secret is being rolled). */
    List<String> webhookSecrets() {
        return webhookSecrets;
    }

    @Override
    public String toString() {
        return "StripeKeys[" + webhookSecrets.size() + " webhook secret(s)]";
    }
}
