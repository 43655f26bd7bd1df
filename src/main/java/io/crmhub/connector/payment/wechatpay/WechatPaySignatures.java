package io.crmhub.connector.payment.wechatpay;

import io.crmhub.routing.SecretValues;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** SHA256withRSA as WeChat Pay v3 uses it (providers.md §1.1), and PEM keys from text or {@code file:} paths. */
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

    public static String sign(PrivateKey key, String message) {
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(message.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the merchant key", e);
        }
    }

    public static boolean verifies(PublicKey key, String message, String signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(message.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public static PublicKey publicKey(String name, String pemOrFile) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(name, pemOrFile)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not a PEM RSA public key (or file:path to one): " + e.getMessage(), e);
        }
    }

    public static PrivateKey privateKey(String name, String pemOrFile) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(name, pemOrFile)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not a PEM PKCS#8 RSA private key (or file:path to one): " + e.getMessage(), e);
        }
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(String name, String pemOrFile) {
        String pem = SecretValues.read(name, pemOrFile);
        return Base64.getDecoder().decode(pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", ""));
    }
}
