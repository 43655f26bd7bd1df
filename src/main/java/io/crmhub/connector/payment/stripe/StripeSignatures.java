package io.crmhub.connector.payment.stripe;

import io.crmhub.routing.NotificationRefusedException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe webhook signatures (providers.md §1.3): {@code Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]},
 * {@code v1 = hex(HMAC-SHA256(key = the whole "whsec_..." string as UTF-8, message = t + "." + raw payload))}.
 */
public final class StripeSignatures {
    private StripeSignatures() {
    }

    /** A parsed {@code Stripe-Signature} header: the timestamp and every {@code v1} signature (other schemes ignored). */
    public record Header(long timestamp, List<String> v1) {
    }

    /** @throws NotificationRefusedException naming what is wrong with the header */
    public static Header parse(String header) {
        if (header == null || header.isBlank()) {
            throw new NotificationRefusedException("missing header stripe-signature");
        }
        Long timestamp = null;
        List<String> v1 = new ArrayList<>();
        for (String item : header.split(",")) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new NotificationRefusedException("Stripe-Signature is garbled (an element is not key=value)");
            }
            String key = item.substring(0, eq).trim();
            String value = item.substring(eq + 1).trim();
            if (key.equals("t")) {
                if (timestamp != null) {
                    throw new NotificationRefusedException("Stripe-Signature has more than one t");
                }
                try {
                    timestamp = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new NotificationRefusedException("Stripe-Signature t is not a number");
                }
            } else if (key.equals("v1")) {
                v1.add(value);
            }
        }
        if (timestamp == null) {
            throw new NotificationRefusedException("Stripe-Signature has no t");
        }
        if (v1.isEmpty()) {
            throw new NotificationRefusedException("Stripe-Signature has no v1 signature");
        }
        return new Header(timestamp, List.copyOf(v1));
    }

    /** The {@code v1} signature of {@code payload} sent at {@code timestamp}, lower-case hex. */
    public static String v1(String secret, long timestamp, byte[] payload) {
        return HexFormat.of().formatHex(hmac(secret, timestamp, payload));
    }

    /** True when one of {@code signatures} is the HMAC of the payload under {@code secret} (constant-time compare). */
    public static boolean matches(String secret, long timestamp, byte[] payload, List<String> signatures) {
        byte[] expected = hmac(secret, timestamp, payload);
        boolean match = false;
        for (String candidate : signatures) {
            byte[] given;
            try {
                given = HexFormat.of().parseHex(candidate);
            } catch (IllegalArgumentException e) {
                continue;
            }
            match |= MessageDigest.isEqual(expected, given);
        }
        return match;
    }

    private static byte[] hmac(String secret, long timestamp, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
