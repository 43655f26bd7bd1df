package io.crmhub.connector.payment.wechatpay;

import io.crmhub.connector.payment.RsaKeys;

/** What WeChat Pay v3 signs (providers.md §1.1), with SHA256withRSA ({@link RsaKeys}). */
public final class WechatPaySignatures {
    private WechatPaySignatures() {
    }

    /** {@code METHOD\ncanonicalUrl\ntimestamp\nnonce\nbody\n}: what a merchant request's signature covers. */
    public static String requestMessage(String method, String canonicalUrl, String timestamp, String nonce, String body) {
        return method + "\n" + canonicalUrl + "\n" + timestamp + "\n" + nonce + "\n" + body + "\n";
    }

    /** {@code timestamp\nnonce\nbody\n}: what a platform response's or notification's signature covers. */
    public static String responseMessage(String timestamp, String nonce, String body) {
        return timestamp + "\n" + nonce + "\n" + body + "\n";
    }
}
