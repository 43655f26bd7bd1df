package io.crmhub.protect;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals one personal value as {@code pd1:<key id>:<base64url(iv | ciphertext | tag)>} with AES-256-GCM: a fresh
 * 96-bit IV per value, the version and key id bound as associated data, so a value cannot be moved to another key
 * id unnoticed. The token is plain ASCII and fits in JSON strings, which lets event payloads carry it unchanged
 * through the outbox, the broker journal and parked messages; only the flow step that calls the provider opens it.
 */
public final class PersonalDataCipher {
    /** A sealed value anywhere in a text (a JSON payload); group 1 is the key id. */
    public static final Pattern TOKEN = Pattern.compile("pd1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]{32,})");
    private static final String PREFIX = "pd1:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyRing keys;

    public PersonalDataCipher(KeyRing keys) {
        this.keys = keys;
    }

    public String activeKeyId() {
        return keys.activeId();
    }

    /** The sealed form of {@code clear} under the active key; null stays null. */
    public String seal(String clear) {
        if (clear == null) {
            return null;
        }
        String keyId = keys.activeId();
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, keys.key(keyId), new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(aad(keyId));
            byte[] sealed = c.doFinal(clear.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
            return PREFIX + keyId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The clear value of a sealed one; null stays null. Fails when the key is unknown or the value was altered. */
    public String open(String sealed) {
        if (sealed == null) {
            return null;
        }
        Matcher m = TOKEN.matcher(sealed);
        if (!m.matches()) {
            throw new SealedValueException("not a sealed personal value");
        }
        SecretKey key = keys.key(m.group(1));
        if (key == null) {
            throw new SealedValueException("sealed with key '" + m.group(1) + "', which is not in the key ring (known: "
                    + keys.keyIds() + ")");
        }
        byte[] in;
        try {
            in = Base64.getUrlDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new SealedValueException("sealed value is not base64url");
        }
        if (in.length < IV_BYTES + TAG_BITS / 8) {
            throw new SealedValueException("sealed value is truncated");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            c.updateAAD(aad(m.group(1)));
            return new String(c.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new SealedValueException("sealed value under key '" + m.group(1) + "' failed authentication (altered or wrong key)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    public static boolean isSealed(String value) {
        return value != null && TOKEN.matcher(value).matches();
    }

    /** The key id a sealed value was sealed with. */
    public static String keyIdOf(String sealed) {
        Matcher m = TOKEN.matcher(sealed);
        if (!m.matches()) {
            throw new SealedValueException("not a sealed personal value");
        }
        return m.group(1);
    }

    /** {@code text} with every sealed value not under the active key sealed again under it (the re-encryption job). */
    public String resealAll(String text) {
        if (text == null || !text.contains(PREFIX)) {
            return text;
        }
        String active = keys.activeId();
        Matcher m = TOKEN.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String token = m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1).equals(active) ? token : seal(open(token))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static byte[] aad(String keyId) {
        return (PREFIX + keyId).getBytes(StandardCharsets.US_ASCII);
    }

    /** A sealed value that cannot be opened: unknown key, altered bytes, or not a sealed value at all. */
    public static final class SealedValueException extends RuntimeException {
        public SealedValueException(String message) {
            super(message);
        }
    }
}
