package io.crmhub.connector.payment.wechatpay;

import io.crmhub.routing.BreakerProperties;
import io.crmhub.routing.RateLimit;
import io.crmhub.routing.http.ConnectorHttpSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.connectors.payment-wechatpay.*}. Secrets come from the environment, each as the value or
 * {@code file:/path}: the APIv3 key ({@code CRMHUB_CONNECTORS_PAYMENT_WECHATPAY_API_V3_KEY}), the merchant private key
 * and the platform public keys, a list of serial and key
 * ({@code ..._PLATFORM_PUBLIC_KEYS_0_SERIAL=PUB_KEY_ID_...}, {@code ..._PLATFORM_PUBLIC_KEYS_0_KEY=<PEM or file:/path>}).
 * {@link WechatPayKeys} reads and checks them at start-up.
 *
 * @param apiV3Key           the 32-character APIv3 key, or {@code file:/path}
 * @param platformPublicKeys the platform keys notifications may be signed with, by {@code Wechatpay-Serial}; a list,
 *                           not a map keyed by serial, because an environment variable cannot carry a map key as
 *                           written ({@code PUB_KEY_ID_...} would arrive lower-cased)
 * @param replayWindow       notifications whose timestamp is further from now than this are refused (the SDK does not check)
 * @param appId, merchantSerialNumber, merchantPrivateKey (PEM or {@code file:}), notifyUrl: needed to create payments
 * @param feeRate            the merchant's contracted fee rate (0.006 for 0.6 %): reconciliation checks each payment's fee on
 *                           the trade bill against it (rounded half-up to the fen); absent: fees are reported, not checked
 * @param connectTimeout, readTimeout, breaker, rateLimit: the connector HTTP client's ({@link ConnectorHttpSettings})
 */
@Validated
@ConfigurationProperties("crmhub.connectors.payment-wechatpay")
public record WechatPayProperties(
        @NotBlank String merchantId,
        @NotBlank String apiV3Key,
        @NotEmpty List<@Valid @NotNull PlatformPublicKey> platformPublicKeys,
        @NotNull @DefaultValue("300s") Duration replayWindow,
        @NotNull @DefaultValue("https://api.mch.weixin.qq.com") java.net.URI baseUrl,
        String appId,
        String merchantSerialNumber,
        String merchantPrivateKey,
        java.net.URI notifyUrl,
        @jakarta.validation.constraints.DecimalMin("0") @jakarta.validation.constraints.DecimalMax("0.2") java.math.BigDecimal feeRate,
        @NotNull @DefaultValue("10s") Duration connectTimeout,
        @NotNull @DefaultValue("10s") Duration readTimeout,
        @Valid BreakerProperties.ConnectorOverride breaker,
        @Valid RateLimit rateLimit) implements ConnectorHttpSettings {

    /**
     * @param serial the key's id as WeChat Pay sends it in {@code Wechatpay-Serial} ({@code PUB_KEY_ID_...})
     * @param key    the public key: PEM text, its bare Base64, or {@code file:/path/pub_key.pem}
     */
    public record PlatformPublicKey(@NotBlank String serial, @NotBlank String key) {
        @Override
        public String toString() {
            return "PlatformPublicKey[serial=" + serial + "]";
        }
    }

    @Override
    public String toString() {
        return "WechatPayProperties[merchantId=" + merchantId + ", platformKeys="
                + platformPublicKeys.stream().map(PlatformPublicKey::serial).toList() + "]";
    }
}
