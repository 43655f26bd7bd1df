package io.crmhub.connector.payment.alipay;

import io.crmhub.connector.payment.RsaKeys;
import java.security.PrivateKey;
import java.security.PublicKey;

/** The app's signing key and Alipay's public key, loaded once at start-up (a bad key fails start-up naming it). */
public record AlipayKeys(PrivateKey appKey, PublicKey alipayKey) {
    public static AlipayKeys of(AlipayProperties properties) {
        return new AlipayKeys(RsaKeys.privateKey("crmhub.connectors.payment-alipay.app-private-key", properties.appPrivateKey()),
                RsaKeys.publicKey("crmhub.connectors.payment-alipay.alipay-public-key", properties.alipayPublicKey()));
    }
}
