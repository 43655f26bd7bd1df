package io.crmhub.protect;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hashes (HMAC-SHA256, hex) of normalised personal values, for equality lookups and unique indexes without the
 * clear value: the phone hash is also the cross-channel customer key. Each kind is domain-separated, so a phone and
 * an e-mail that happen to be the same string hash differently. Callers pass normalised values (E.164 phones,
 * lower-cased e-mails); the index key is never rotated with the sealing keys (it would re-key every index).
 */
public final class BlindIndex {
    public enum Kind { PHONE, EMAIL, ID_NUMBER }

    private final SecretKeySpec key;

    public BlindIndex(KeyRing keys) {
        this.key = new SecretKeySpec(keys.indexKey(), "HmacSHA256");
    }

    public String of(Kind kind, String normalised) {
        if (normalised == null) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(kind.name().getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            return HexFormat.of().formatHex(mac.doFinal(normalised.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The cross-channel customer key of an E.164 phone number. */
    public String phone(String e164) {
        return of(Kind.PHONE, e164);
    }

    public String email(String normalised) {
        return of(Kind.EMAIL, normalised);
    }

    public String idNumber(String idNumber) {
        return of(Kind.ID_NUMBER, idNumber == null ? null : idNumber.toUpperCase(java.util.Locale.ROOT));
    }
}
