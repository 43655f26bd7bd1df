package io.crmhub.connector.payment.wechatpay;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.connectors.payment-wechatpay.*}. Secrets come from the environment: the APIv3 key
 * ({@code CRMHUB_CONNECTORS_PAYMENT_WECHATPAY_API_V3_KEY}) and the platform public keys by serial
 * ({@code ...PLATFORM_PUBLIC_KEYS_<SERIAL>}: PEM text, or {@code file:/path/to/key.pem}).
 *
 * @param replayWindow notifications whose timestamp is further from now than this are refused (the SDK does not check)
 * @param appId, merchantSerialNumber, merchantPrivateKey (PEM or {@code file:}), notifyUrl: needed to create payments
 */
@Validated
@ConfigurationProperties("crmhub.connectors.payment-wechatpay")
public record WechatPayProperties(
        @NotBlank String merchantId,
        @NotNull @Size(min = 32, max = 32, message = "must be the 32-character APIv3 key") String apiV3Key,
        @NotEmpty Map<String, String> platformPublicKeys,
        @NotNull @DefaultValue("300s") Duration replayWindow,
        @NotNull @DefaultValue("https://api.mch.weixin.qq.com") java.net.URI baseUrl,
        String appId,
        String merchantSerialNumber,
        String merchantPrivateKey,
        java.net.URI notifyUrl,
        @NotNull @DefaultValue("10s") Duration timeout) {

    @Override
    public String toString() {
        return "WechatPayProperties[merchantId=" + merchantId + ", platformKeys=" + platformPublicKeys.keySet() + "]";
    }
}
