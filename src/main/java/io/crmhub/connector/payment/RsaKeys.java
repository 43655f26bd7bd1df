package io.crmhub.connector.payment;

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

/**
 * RSA keys from configuration — PEM text, bare Base64 (as Alipay's console gives them) or {@code file:/path} — and
 * SHA256withRSA, which WeChat Pay and Alipay (RSA2) both use. A bad key fails start-up naming its property.
 */
public final class RsaKeys {
    private RsaKeys() {
    }

    public static PublicKey publicKey(String property, String pemOrFile) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(property, pemOrFile)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(property + " is not an RSA public key (PEM, Base64 or file:path): " + e.getMessage(), e);
        }
    }

    public static PrivateKey privateKey(String property, String pemOrFile) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(property, pemOrFile)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(property + " is not a PKCS#8 RSA private key (PEM, Base64 or file:path): "
                    + e.getMessage(), e);
        }
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** Base64 SHA256withRSA over the UTF-8 bytes of {@code message}. */
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

    /** False for anything that does not verify, including a signature that is not Base64. */
    public static boolean verifies(PublicKey key, String message, String signature) {
        if (signature == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(message.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] der(String property, String pemOrFile) {
        String pem = SecretValues.read(property, pemOrFile);
        return Base64.getDecoder().decode(pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", ""));
    }
}
