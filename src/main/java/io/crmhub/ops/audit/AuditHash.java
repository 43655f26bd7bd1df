package io.crmhub.ops.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The hash chain's arithmetic (docs/operations.md §5 has it as a short script for auditors):
 * {@code entry_hash = hex(SHA-256(F(id) F(prev_hash) F(occurred_at) F(actor) F(action) F(target_type) F(target_id)
 * F(hex(SHA-256(reason))) F(hex(SHA-256(detail)))))}, where {@code F(null)} is the single byte {@code 0x00} and
 * {@code F(s)} is {@code 0x01}, the length of s's UTF-8 bytes as 4 bytes big-endian, then those bytes. The id is in
 * decimal, {@code occurred_at} is UTC ISO-8601 with exactly three fraction digits ({@code 2026-03-01T08:10:00.000Z}),
 * hashes are lower-case hex; a null reason or detail stays null (its hash is not taken). The first entry's
 * {@code prev_hash} is {@link #GENESIS}. Length prefixes keep field boundaries ("ab","c" is not "a","bc") and the
 * marker byte keeps null apart from the empty string.
 */
final class AuditHash {
    /** The predecessor of the first entry of a chain: 64 zeros. */
    static final String GENESIS = "0".repeat(64);

    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private AuditHash() {
    }

    /** The stored, hashed precision of {@code occurred_at}. */
    static Instant truncate(Instant occurredAt) {
        return occurredAt.truncatedTo(ChronoUnit.MILLIS);
    }

    static String timestamp(Instant occurredAt) {
        return MILLIS.format(truncate(occurredAt));
    }

    static String entryHash(long id, String prevHash, Instant occurredAt, String actor, String action, String targetType,
                                   String targetId, String reason, String detail) {
        return HEX.formatHex(sha256(encode(Long.toString(id), prevHash, timestamp(occurredAt), actor, action, targetType, targetId,
                sha256Hex(reason), sha256Hex(detail))));
    }

    /** The canonical encoding of a sequence of (nullable) text fields. */
    static byte[] encode(String... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        for (String field : fields) {
            if (field == null) {
                out.write(0);
                continue;
            }
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            out.write(1);
            out.write(bytes.length >>> 24);
            out.write(bytes.length >>> 16);
            out.write(bytes.length >>> 8);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    /** Lower-case hex SHA-256 of the text's UTF-8 bytes; null for null. */
    static String sha256Hex(String text) {
        return text == null ? null : HEX.formatHex(sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
