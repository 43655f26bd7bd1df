package io.crmhub.ops.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The canonical encoding of an audit entry and its hash, as docs/operations.md §5 tells an auditor to recompute it. */
class AuditHashTest {
    private static final Instant AT = Instant.parse("2026-03-01T08:10:00.123Z");

    @Test
    void fieldsAreLengthPrefixedUtf8AndNullIsOneZeroByte() {
        assertThat(AuditHash.encode((String) null)).containsExactly(0);
        assertThat(AuditHash.encode("")).containsExactly(1, 0, 0, 0, 0);
        assertThat(AuditHash.encode("é")).containsExactly(1, 0, 0, 0, 2, 0xC3, 0xA9);
        assertThat(AuditHash.encode("ab", null)).containsExactly(1, 0, 0, 0, 2, 'a', 'b', 0);
    }

    @Test
    void fieldBoundariesAndNullVersusEmptyChangeTheHash() {
        assertThat(AuditHash.encode("ab", "c")).isNotEqualTo(AuditHash.encode("a", "bc"));
        assertThat(hash("ab", "c", "7")).isNotEqualTo(hash("a", "bc", "7"));
        assertThat(hash("engineer", "failure.replay", null)).isNotEqualTo(hash("engineer", "failure.replay", ""));
        assertThat(AuditHash.entryHash(1, AuditHash.GENESIS, AT, "a", "b", "t", "1", null, null))
                .as("a null reason is not the empty reason")
                .isNotEqualTo(AuditHash.entryHash(1, AuditHash.GENESIS, AT, "a", "b", "t", "1", "", null));
        assertThat(AuditHash.entryHash(1, AuditHash.GENESIS, AT, "a", "b", "t", "1", "x", null))
                .as("reason and detail are not interchangeable")
                .isNotEqualTo(AuditHash.entryHash(1, AuditHash.GENESIS, AT, "a", "b", "t", "1", null, "x"));
        assertThat(AuditHash.entryHash(1, AuditHash.GENESIS, AT, "a", "b", "t", "1", null, null))
                .isNotEqualTo(AuditHash.entryHash(2, AuditHash.GENESIS, AT, "a", "b", "t", "1", null, null))
                .isNotEqualTo(AuditHash.entryHash(1, "f".repeat(64), AT, "a", "b", "t", "1", null, null))
                .isNotEqualTo(AuditHash.entryHash(1, AuditHash.GENESIS, AT.plusMillis(1), "a", "b", "t", "1", null, null));
    }

    @Test
    void occurredAtIsHashedInUtcWithExactlyThreeFractionDigits() {
        assertThat(AuditHash.timestamp(Instant.parse("2026-03-01T08:10:00Z"))).isEqualTo("2026-03-01T08:10:00.000Z");
        assertThat(AuditHash.timestamp(Instant.parse("2026-03-01T08:10:00.123456789Z"))).isEqualTo("2026-03-01T08:10:00.123Z");
        assertThat(AuditHash.entryHash(1, AuditHash.GENESIS, Instant.parse("2026-03-01T08:10:00.123999Z"), "a", "b", "t", null, null, null))
                .as("what is finer than a millisecond is neither stored nor hashed")
                .isEqualTo(AuditHash.entryHash(1, AuditHash.GENESIS, AT, "a", "b", "t", null, null, null));
    }

    /** The values the Python script of docs/operations.md §5 computes for the same two entries. */
    @Test
    void theDocumentedScriptComputesTheSameHashes() {
        String first = AuditHash.entryHash(1, AuditHash.GENESIS, AT, "engineer", "failure.replay", "parked_message", "7",
                "FR mapped", "{\"flow\":\"crm-to-erp.customer-upsert\"}");
        assertThat(first).isEqualTo("d3918596131d0410881da358bfb507e9f7f9dfadb9f7aaabd3dd4b68241745ed");
        assertThat(AuditHash.entryHash(2, first, Instant.parse("2026-03-01T08:11:00Z"), "system", "webhook.refused", "webhook", null,
                "", null)).isEqualTo("75fd698ceb1e6df8d38dac37f896e5796a8424cc2864065dbe2364c988c94b9b");
    }

    @Test
    void aTruncatedReasonNeverEndsInHalfASurrogatePair() {
        String text = "a".repeat(999) + "\uD83D\uDE00";
        assertThat(AuditLog.truncate(text, 1000)).isEqualTo("a".repeat(999));
        assertThat(AuditLog.truncate("abc", 2)).isEqualTo("ab");
    }

    private static String hash(String actor, String action, String targetId) {
        return AuditHash.entryHash(1, AuditHash.GENESIS, AT, actor, action, "parked_message", targetId, null, null);
    }
}
