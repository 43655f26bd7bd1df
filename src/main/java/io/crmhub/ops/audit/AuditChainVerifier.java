package io.crmhub.ops.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Walks the audit chain in id order, a bounded batch at a time (keyset pages, no transaction held: appends go on),
 * recomputes every entry's hash and reports the first broken link. Every row is read, also those before the purge
 * anchor, so a row inserted anywhere is seen. Rows appended during the walk are checked too: a row beyond the head
 * read at the start makes the head be read again (an entry and its head move commit together).
 */
@Component
class AuditChainVerifier {
    static final int BATCH = 1000;

    /** Why a link is broken; the text is the API's {@code brokenAt.reason}. */
    enum Break {
        ENTRY_HASH("entry hash mismatch (row edited)"),
        PREVIOUS_HASH("previous hash mismatch (row deleted or inserted before it)"),
        ID_GAP("id gap"),
        HEAD("head mismatch (last rows deleted)"),
        HEAD_HASH("head mismatch (head hash differs)"),
        AFTER_HEAD("entry after the head (row inserted)"),
        BEFORE_START("entry before the start of the chain (row inserted)"),
        NO_HEAD("chain head missing");

        final String text;

        Break(String text) {
            this.text = text;
        }
    }

    /** The {@code audit_chain} row. */
    record Chain(long lastId, String lastHash, Long legacyLastId, ChainVerification.Anchor anchor) {
        ChainVerification.Head head() {
            return new ChainVerification.Head(lastId, lastHash);
        }
    }

    private record Row(long id, String prevHash, String entryHash, Instant occurredAt, String actor, String action,
                       String targetType, String targetId, String reason, String detail) {
        String computed() {
            return AuditHash.entryHash(id, prevHash, occurredAt, actor, action, targetType, targetId, reason, detail);
        }
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final int batch;

    @Autowired
    AuditChainVerifier(JdbcClient jdbc, Clock clock) {
        this(jdbc, clock, BATCH);
    }

    AuditChainVerifier(JdbcClient jdbc, Clock clock, int batch) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.batch = batch;
    }

    Optional<Chain> chain() {
        return jdbc.sql("""
                SELECT last_id, last_hash, legacy_last_id, anchor_id, anchor_hash, anchor_occurred_at, anchor_cutoff,
                       anchor_purged_at, anchor_count, purged_total
                FROM audit_chain WHERE id = 1""")
                .query((rs, n) -> {
                    Long anchorId = rs.getObject(4, Long.class);
                    ChainVerification.Anchor anchor = anchorId == null ? null : new ChainVerification.Anchor(anchorId,
                            rs.getString(5), instant(rs.getObject(6, OffsetDateTime.class)), instant(rs.getObject(7, OffsetDateTime.class)),
                            instant(rs.getObject(8, OffsetDateTime.class)), rs.getLong(9), rs.getLong(10));
                    return new Chain(rs.getLong(1), rs.getString(2), rs.getObject(3, Long.class), anchor);
                })
                .optional();
    }

    /**
     * The chain from its anchor (or first entry) to its head. A purge that moves the anchor while the walk is under
     * way makes the rows before it vanish; a break found then is checked again by a walk from the new anchor.
     */
    ChainVerification verify() {
        for (int attempt = 1; ; attempt++) {
            Optional<Chain> start = chain();
            if (start.isEmpty()) {
                return broken(new Walk(null), 0, Break.NO_HEAD, "the audit_chain row is gone", null);
            }
            ChainVerification result = walk(start.get());
            if (result.valid() || attempt == 3) {
                return result;
            }
            Long anchorBefore = start.get().anchor() == null ? null : start.get().anchor().id();
            Long anchorNow = chain().map(c -> c.anchor() == null ? null : c.anchor().id()).orElse(null);
            if (Objects.equals(anchorBefore, anchorNow)) {
                return result;
            }
        }
    }

    /** What one walk has seen so far. */
    private static final class Walk {
        final Chain start;
        Chain head;
        long entries;
        Long firstId;
        Long lastId;

        Walk(Chain start) {
            this.start = start;
            this.head = start;
        }
    }

    private ChainVerification walk(Chain start) {
        Walk walk = new Walk(start);
        ChainVerification.Anchor anchor = start.anchor();
        long legacy = start.legacyLastId() == null ? 0 : start.legacyLastId();
        long expectedId = anchor == null ? 1 : anchor.id() + 1;
        String expectedPrev = anchor == null ? AuditHash.GENESIS : anchor.hash();
        String previous = anchor == null ? "the genesis hash (the first entry)" : "the purge anchor's hash (entry " + anchor.id() + ")";
        long after = Long.MIN_VALUE;
        while (true) {
            List<Row> rows = page(after);
            for (Row row : rows) {
                if (row.id() > walk.head.lastId()) {
                    walk.head = chain().orElse(walk.head);
                    if (row.id() > walk.head.lastId()) {
                        return broken(walk, row.id(), Break.AFTER_HEAD, "the head is entry " + walk.head.lastId(), false);
                    }
                }
                if (row.id() < expectedId) {
                    return broken(walk, row.id(), Break.BEFORE_START, "the chain starts at entry " + expectedId
                            + (anchor == null ? "" : ", after the purge anchor " + anchor.id()), null);
                }
                if (row.id() > expectedId && row.id() > legacy) {
                    return broken(walk, row.id(), Break.ID_GAP, (row.id() - 1 == expectedId ? "entry " + expectedId
                            : "entries " + expectedId + " to " + (row.id() - 1)) + " missing (deleted)", null);
                }
                if (!Objects.equals(row.prevHash(), expectedPrev)) {
                    return broken(walk, row.id(), Break.PREVIOUS_HASH, "prev_hash " + row.prevHash() + " is not " + previous
                            + ", " + expectedPrev, null);
                }
                String computed = row.computed();
                if (!computed.equals(row.entryHash())) {
                    return broken(walk, row.id(), Break.ENTRY_HASH, "stored " + row.entryHash() + ", computed " + computed, null);
                }
                walk.entries++;
                walk.firstId = walk.firstId == null ? row.id() : walk.firstId;
                walk.lastId = row.id();
                expectedId = row.id() + 1;
                expectedPrev = row.entryHash();
                previous = "the hash of entry " + row.id();
                after = row.id();
            }
            if (rows.size() == batch) {
                continue;
            }
            // the end of the rows: they must end at the head as it is now (appends may have moved it since)
            Optional<Chain> now = chain();
            if (now.isEmpty()) {
                return broken(walk, expectedId, Break.NO_HEAD, "the audit_chain row is gone", false);
            }
            walk.head = now.get();
            long tailId = expectedId - 1;
            if (walk.head.lastId() > tailId) {
                if (!page(after).isEmpty()) {
                    continue; // appended while this walk read its last page
                }
                return broken(walk, expectedId, Break.HEAD, "the head is entry " + walk.head.lastId() + ", the last entry is "
                        + (walk.lastId == null ? "none" : walk.lastId), false);
            }
            if (walk.head.lastId() < tailId || !Objects.equals(walk.head.lastHash(), expectedPrev)) {
                return broken(walk, walk.head.lastId(), Break.HEAD_HASH, "the head is entry " + walk.head.lastId() + " with hash "
                        + walk.head.lastHash() + ", the chain ends at entry " + tailId + " with hash " + expectedPrev, false);
            }
            return new ChainVerification(true, walk.entries, walk.firstId, walk.lastId, true, walk.head.head(), anchor,
                    start.legacyLastId(), null, clock.instant());
        }
    }

    private List<Row> page(long after) {
        return jdbc.sql("""
                SELECT id, prev_hash, entry_hash, occurred_at, actor, action, target_type, target_id, reason, detail
                FROM audit_log WHERE id > ? ORDER BY id LIMIT ?""")
                .params(after, batch)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5), rs.getString(6), rs.getString(7),
                        rs.getString(8), rs.getString(9), rs.getString(10)))
                .list();
    }

    private ChainVerification broken(Walk walk, long id, Break reason, String detail, Boolean headMatches) {
        Chain start = walk.start;
        return new ChainVerification(false, walk.entries, walk.firstId, walk.lastId, headMatches,
                walk.head == null ? null : walk.head.head(), start == null ? null : start.anchor(),
                start == null ? null : start.legacyLastId(), new ChainVerification.Broken(id, reason.text, detail), clock.instant());
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }
}
