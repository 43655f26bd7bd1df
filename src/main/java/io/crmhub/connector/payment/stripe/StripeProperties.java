package io.crmhub.connector.payment.stripe;

import io.crmhub.routing.BreakerProperties;
import io.crmhub.routing.RateLimit;
import io.crmhub.routing.http.ConnectorHttpSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.connectors.payment-stripe.*}. Secrets come from the environment or files: the secret API key
 * ({@code CRMHUB_CONNECTORS_PAYMENT_STRIPE_SECRET_KEY}: {@code sk_...} or {@code file:/path}) and the webhook endpoint
 * signing secrets ({@code CRMHUB_CONNECTORS_PAYMENT_STRIPE_WEBHOOK_SECRETS_0}, {@code ..._1} during a rotation:
 * {@code whsec_...} or {@code file:/path}). {@link StripeKeys} reads and checks them at start-up.
 *
 * @param replayWindow       notifications whose {@code t} is further from now than this, in either direction, are
 *                           refused (stripe-java checks only the "too old" direction)
 * @param apiVersion         sent as {@code Stripe-Version} when set; otherwise the account's default version applies
 * @param paymentMethodTypes {@code payment_method_types[]} of created PaymentIntents
 * @param connectTimeout, readTimeout, breaker, rateLimit: the connector HTTP client's ({@link ConnectorHttpSettings})
 */
@Validated
@ConfigurationProperties("crmhub.connectors.payment-stripe")
public record StripeProperties(
        @NotBlank String secretKey,
        @NotEmpty List<@NotBlank String> webhookSecrets,
        @NotNull @DefaultValue("https://api.stripe.com") URI baseUrl,
        String apiVersion,
        @NotNull @DefaultValue("300s") Duration replayWindow,
        @NotEmpty @DefaultValue("card") List<@NotBlank String> paymentMethodTypes,
        @NotNull @DefaultValue("10s") Duration connectTimeout,
        @NotNull @DefaultValue("10s") Duration readTimeout,
        @Valid BreakerProperties.ConnectorOverride breaker,
        @Valid RateLimit rateLimit) implements ConnectorHttpSettings {

    @Override
    public String toString() {
        return "StripeProperties[baseUrl=" + baseUrl + ", apiVersion=" + apiVersion + ", webhookSecrets="
                + webhookSecrets.size() + ", paymentMethodTypes=" + paymentMethodTypes + "]";
    }
}
