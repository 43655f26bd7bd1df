package io.crmhub.connector.payment.alipay;

import io.crmhub.routing.BreakerProperties;
import io.crmhub.routing.RateLimit;
import io.crmhub.routing.http.ConnectorHttpSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.connectors.payment-alipay.*} (providers.md §1.2, the v2 gateway with RSA2 keys). Keys come from the
 * environment ({@code CRMHUB_CONNECTORS_PAYMENT_ALIPAY_APP_PRIVATE_KEY}, {@code ..._ALIPAY_PUBLIC_KEY}): PEM, the bare
 * Base64 Alipay's console shows, or {@code file:/path}.
 *
 * @param appPrivateKey   signs our requests (PKCS#8)
 * @param alipayPublicKey verifies Alipay's answers and notifications ("支付宝公钥", not the app's own public key)
 * @param sellerId        when set, notifications for another seller are refused
 * @param replayWindow    notifications whose signed {@code notify_time} is further from now are refused; Alipay
 *                        re-sends for about 25 h (4m, 10m, 10m, 1h, 2h, 6h, 15h), so the window covers that
 * @param qrTimeout       how long a precreated QR code can be paid ({@code timeout_express})
 * @param feeRate         the app's contracted service-fee rate (0.006 for 0.6 %): reconciliation checks each payment's
 *                        服务费 on the daily 业务明细 against it (rounded half-up to the fen); absent: fees are reported, not checked
 * @param connectTimeout, readTimeout, breaker, rateLimit: the connector HTTP client's ({@link ConnectorHttpSettings})
 */
@Validated
@ConfigurationProperties("crmhub.connectors.payment-alipay")
public record AlipayProperties(
        @NotBlank String appId,
        @NotBlank String appPrivateKey,
        @NotBlank String alipayPublicKey,
        String sellerId,
        @NotNull @DefaultValue("https://openapi.alipay.com/gateway.do") URI gatewayUrl,
        URI notifyUrl,
        @NotNull @DefaultValue("25h") Duration replayWindow,
        @NotNull @DefaultValue("2h") Duration qrTimeout,
        @DecimalMin("0") @DecimalMax("0.2") BigDecimal feeRate,
        @NotNull @DefaultValue("10s") Duration connectTimeout,
        @NotNull @DefaultValue("10s") Duration readTimeout,
        @Valid BreakerProperties.ConnectorOverride breaker,
        @Valid RateLimit rateLimit) implements ConnectorHttpSettings {

    @Override
    public String toString() {
        return "AlipayProperties[appId=" + appId + ", gatewayUrl=" + gatewayUrl + "]";
    }
}
