package io.crmhub.ops.audit;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * The outcome of walking the audit chain from its purge anchor (or its first entry) to its head.
 *
 * @param entries      entries whose links were checked and found intact (up to the break, when there is one)
 * @param firstId      the first entry checked; {@code lastId} the last one found intact
 * @param headMatches  whether the last entry is the head recorded in {@code audit_chain}; absent when the walk stopped
 *                     at an earlier break
 * @param legacyLastId entries up to this id were written before the chain existed (V14): their ids may have gaps
 */
@Schema(description = "Verification of the audit log's hash chain (docs/operations.md §5)")
public record ChainVerification(boolean valid, long entries, Long firstId, Long lastId, Boolean headMatches, Head head,
                                Anchor anchor, Long legacyLastId, Broken brokenAt, Instant checkedAt) {

    /** The chain's head as recorded: the last entry appended. Exported daily to the log (docs/operations.md §5). */
    public record Head(long id, String hash) {
    }

    /**
     * The last entry the retention purge deleted: the first remaining entry's {@code prev_hash} must be its hash.
     *
     * @param occurredAt when that entry was written; {@code cutoff} the purge's retention limit; {@code purged} how
     *                   many entries that purge deleted, {@code purgedTotal} how many all purges did
     */
    public record Anchor(long id, String hash, Instant occurredAt, Instant cutoff, Instant purgedAt, long purged, long purgedTotal) {
    }

    /** The first broken link: the entry at which the chain stops being intact, why, and what was expected there. */
    public record Broken(long id, String reason, String detail) {
    }
}
