package io.crmhub.routing;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Incremental polling of an external system by change time, one mechanism for every poller (ERP invoices, ERP order
 * status): per page, in one transaction, the named watermark row is locked, the page fetched from the watermark on
 * (inclusive: the same instant can hold several records), each record stored, and the watermark moved to the last
 * change read. A crash re-reads at most the page it was on; two instances never store the same window twice — the
 * second waits on the row and starts where the first stopped. Storing must be idempotent (a re-read record at the
 * watermark instant is offered again).
 *
 * <p>Reads stop {@code settle} before now: an ERP stamps a record's change time before its commit becomes visible (SAP
 * posts billing documents in asynchronous update tasks), so a record can appear after a newer one was read; a
 * watermark moved past it would lose it for good. Records younger than {@code settle} are read by a later poll.
 */
@Component
public class WatermarkPoller {
    private static final Logger log = LoggerFactory.getLogger(WatermarkPoller.class);
    private static final int MAX_PAGES = 100;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final TransactionTemplate newTransaction;
    private final Clock clock;
    private final org.springframework.scheduling.TaskScheduler scheduler;
    private final java.util.Map<String, Runnable> pollOnRewind = new java.util.concurrent.ConcurrentHashMap<>();

    public WatermarkPoller(JdbcClient jdbc, TransactionTemplate tx, Clock clock, org.springframework.scheduling.TaskScheduler scheduler) {
        this.scheduler = scheduler;
        this.jdbc = jdbc;
        this.tx = tx;
        this.newTransaction = new TransactionTemplate(tx.getTransactionManager());
        this.newTransaction.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
    }

    /** @param changed records that were new or changed; {@code skipped} ones the store passed over (e.g. unknown to the CRM) */
    public record Outcome(int pages, int read, int changed, int skipped, Instant watermark) {
    }

    /** What to do with one record: {@code CHANGED}, {@code UNCHANGED} (already stored) or {@code SKIPPED}. */
    public enum Stored { CHANGED, UNCHANGED, SKIPPED }

    /**
     * Reads pages until the source has nothing newer (at most 100 pages per call).
     *
     * @param settle    how old a change must be to be read (the ERP's commit lag plus clock skew)
     * @param fetch     the page of records changed in [from, until], oldest first, at most {@code pageSize}
     * @param changedAt a record's change time
     * @param store     stores one record inside the page's transaction
     */
    public <T> Outcome poll(String name, int pageSize, Duration settle, BiFunction<Instant, Instant, List<T>> fetch,
                            Function<T, Instant> changedAt, Function<T, Stored> store) {
        ensureExists(name);
        int pages = 0;
        int read = 0;
        int changed = 0;
        int skipped = 0;
        Instant watermark = null;
        while (pages < MAX_PAGES) {
            Page page = tx.execute(status -> page(name, pageSize, settle, fetch, changedAt, store));
            pages++;
            read += page.read();
            changed += page.changed();
            skipped += page.skipped();
            watermark = page.watermark();
            if (!page.more()) {
                break;
            }
        }
        return new Outcome(pages, read, changed, skipped, watermark);
    }

    private record Page(int read, int changed, int skipped, Instant watermark, boolean more) {
    }

    private <T> Page page(String name, int pageSize, Duration settle, BiFunction<Instant, Instant, List<T>> fetch,
                          Function<T, Instant> changedAt, Function<T, Stored> store) {
        Instant from = lock(name);
        // the cut-off is taken once the row is ours: a poll that waited on another instance reads up to now, not up to
        // when it started waiting
        Instant until = clock.instant().minus(settle);
        List<T> records = until.isBefore(from) ? List.of() : fetch.apply(from, until);
        int changed = 0;
        int skipped = 0;
        Instant last = from;
        for (T record : records) {
            Stored result = store.apply(record);
            changed += result == Stored.CHANGED ? 1 : 0;
            skipped += result == Stored.SKIPPED ? 1 : 0;
            Instant at = changedAt.apply(record);
            if (at.isAfter(last)) {
                last = at;
            }
        }
        jdbc.sql("UPDATE poll_watermark SET watermark = ?, updated_at = ? WHERE name = ?")
                .params(Timestamp.from(last), Timestamp.from(clock.instant()), name).update();
        if (changed > 0 || skipped > 0) {
            log.info("{}: {} read from {}, {} new or changed, {} skipped; watermark now {}", name, records.size(), from, changed, skipped, last);
        }
        // a full page that did not move the watermark would be read again forever: stop and say so
        boolean stuck = records.size() >= pageSize && !last.isAfter(from);
        if (stuck) {
            log.warn("{}: more than {} records changed at {}; raise the page size", name, pageSize, from);
        }
        return new Page(records.size(), changed, skipped, last, records.size() >= pageSize && !stuck);
    }

    /**
     * A poller's poll, run at once (on the scheduler's thread) after a watermark of its is rewound. A failing poll is
     * logged and left to the next scheduled one, which starts again from the stored watermark.
     */
    public void pollOnRewind(String prefix, Runnable poll) {
        pollOnRewind.put(prefix, poll);
    }

    /**
     * Rewinds every watermark whose name starts with {@code prefix} to at most {@code to}; returns how many. The pollers
     * of those watermarks poll right after the caller's transaction commits (a replay or a resync need not wait for the
     * next interval).
     */
    public int rewind(String prefix, Instant to) {
        int rewound = jdbc.sql("UPDATE poll_watermark SET watermark = CASE WHEN watermark > ? THEN ? ELSE watermark END, updated_at = ? WHERE name LIKE ?")
                .params(Timestamp.from(to), Timestamp.from(to), Timestamp.from(clock.instant()), prefix + "%").update();
        Runnable wake = () -> pollOnRewind.forEach((name, poll) -> {
            if (name.startsWith(prefix) || prefix.startsWith(name)) {
                scheduler.schedule(() -> {
                    try {
                        poll.run();
                    } catch (RuntimeException e) {
                        log.warn("Poll of {} after a rewind failed; the next poll starts again from the stored watermark: {}", name, e.getMessage());
                    }
                }, clock.instant());
            }
        });
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            wake.run();
                        }
                    });
        } else {
            wake.run();
        }
        return rewound;
    }

    private Instant lock(String name) {
        return jdbc.sql("SELECT watermark FROM poll_watermark WHERE name = ? FOR UPDATE").param(name)
                .query(Timestamp.class).single().toInstant();
    }

    /**
     * Creates the watermark row on first use in a transaction of its own: on PostgreSQL a failed insert (another
     * instance created it first) aborts its whole transaction, so it must not be the page's.
     */
    private void ensureExists(String name) {
        if (jdbc.sql("SELECT COUNT(*) FROM poll_watermark WHERE name = ?").param(name).query(Long.class).single() > 0) {
            return;
        }
        try {
            newTransaction.executeWithoutResult(s -> jdbc.sql("INSERT INTO poll_watermark (name, watermark, updated_at) VALUES (?, ?, ?)")
                    .params(name, Timestamp.from(Instant.EPOCH), Timestamp.from(clock.instant())).update());
        } catch (org.springframework.dao.DuplicateKeyException raced) {
            // another instance created it at the same moment
        }
    }
}
