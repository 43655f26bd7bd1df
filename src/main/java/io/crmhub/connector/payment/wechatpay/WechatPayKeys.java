package io.crmhub.connector.payment.wechatpay;

import io.crmhub.connector.payment.RsaKeys;
import io.crmhub.routing.SecretValues;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;

/** The keys of one merchant, loaded once at start-up (a bad key fails start-up naming the property, never the value). */
public final class WechatPayKeys {
    static final String PREFIX = "crmhub.connectors.payment-wechatpay.";
    private final Map<String, PublicKey> platformKeys = new HashMap<>();
    private final PrivateKey merchantKey;
    private final SecretKeySpec apiV3Key;

    public WechatPayKeys(WechatPayProperties properties) {
        for (int i = 0; i < properties.platformPublicKeys().size(); i++) {
            WechatPayProperties.PlatformPublicKey entry = properties.platformPublicKeys().get(i);
            String name = PREFIX + "platform-public-keys[" + i + "]";
            if (platformKeys.put(entry.serial(), RsaKeys.publicKey(name + ".key", entry.key())) != null) {
                throw new IllegalStateException(name + ".serial repeats serial " + entry.serial()
                        + ": each platform key is listed once");
            }
        }
        this.merchantKey = properties.merchantPrivateKey() == null ? null
                : RsaKeys.privateKey(PREFIX + "merchant-private-key", properties.merchantPrivateKey());
        String apiV3 = SecretValues.readLine(PREFIX + "api-v3-key", properties.apiV3Key());
        if (apiV3 == null || apiV3.length() != 32) {
            throw new IllegalStateException(PREFIX + "api-v3-key must be the 32-character APIv3 key");
        }
        this.apiV3Key = new SecretKeySpec(apiV3.getBytes(StandardCharsets.UTF_8), "AES");
    }

    /** The platform key for a {@code Wechatpay-Serial}, or null when unknown. */
    public PublicKey platformKey(String serial) {
        return platformKeys.get(serial);
    }

    public PrivateKey merchantKey() {
        if (merchantKey == null) {
            throw new IllegalStateException(PREFIX + "merchant-private-key is not configured");
        }
        return merchantKey;
    }

    public SecretKeySpec apiV3Key() {
        return apiV3Key;
    }
}
