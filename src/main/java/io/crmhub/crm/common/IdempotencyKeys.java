package io.crmhub.crm.common;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code Idempotency-Key} on money requests: the first request's fingerprint (SHA-256 of its canonical form: the bound
 * values in order, numbers without trailing zeros, so key order, spacing and {@code 10.0} vs {@code 10.00} do not
 * matter) is stored with it; the same key with another request is refused with 422, as the IETF idempotency-key draft
 * suggests, instead of silently answering the first result.
 */
public final class IdempotencyKeys {
    private IdempotencyKeys() {
    }

    /** The key was used before for a different request: 422 naming the header. */
    public static final class KeyReusedException extends RuntimeException {
        public KeyReusedException() {
            super("this Idempotency-Key was used for a different request; use a new key for a new request");
        }
    }

    public static String fingerprint(Object... values) {
        StringBuilder canonical = new StringBuilder();
        for (Object value : values) {
            String text = value == null ? "\u0001null"
                    : value instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : value.toString();
            canonical.append(text).append('\u0000');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows stored before fingerprints were kept ({@code stored} null) are taken as the same request. */
    public static void requireSameRequest(String stored, String fingerprint) {
        if (stored != null && !stored.equals(fingerprint)) {
            throw new KeyReusedException();
        }
    }
}
