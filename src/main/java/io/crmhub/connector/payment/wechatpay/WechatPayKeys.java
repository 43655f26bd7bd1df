package io.crmhub.connector.payment.wechatpay;

import io.crmhub.connector.payment.RsaKeys;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;

/** The keys of one merchant, loaded once at start-up (a bad key fails start-up naming the property). */
public final class WechatPayKeys {
    private final Map<String, PublicKey> platformKeys = new HashMap<>();
    private final PrivateKey merchantKey;
    private final SecretKeySpec apiV3Key;

    public WechatPayKeys(WechatPayProperties properties) {
        properties.platformPublicKeys().forEach((serial, pem) -> platformKeys.put(serial,
                RsaKeys.publicKey("crmhub.connectors.payment-wechatpay.platform-public-keys." + serial, pem)));
        this.merchantKey = properties.merchantPrivateKey() == null ? null
                : RsaKeys.privateKey("crmhub.connectors.payment-wechatpay.merchant-private-key", properties.merchantPrivateKey());
        this.apiV3Key = new SecretKeySpec(properties.apiV3Key().getBytes(StandardCharsets.UTF_8), "AES");
    }

    /** The platform key for a {@code Wechatpay-Serial}, or null when unknown. */
    public PublicKey platformKey(String serial) {
        return platformKeys.get(serial);
    }

    public PrivateKey merchantKey() {
        if (merchantKey == null) {
            throw new IllegalStateException("crmhub.connectors.payment-wechatpay.merchant-private-key is not configured");
        }
        return merchantKey;
    }

    public SecretKeySpec apiV3Key() {
        return apiV3Key;
    }
}
