package io.crmhub.protect;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Moves every sealed value to the active key, store by store in batches, in the background; one run at a time per
 * instance. Runs on several instances at once are harmless (each row update is guarded), so no lease is needed.
 * Progress is read from the stores themselves, so it is the same whichever instance answers.
 */
public class Reencryption implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(Reencryption.class);

    private final List<ResealableStore> stores;
    private final PersonalDataCipher cipher;
    private final int batch;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "crmhub-reencryption");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong resealed = new AtomicLong();
    private volatile boolean running;
    private volatile Instant startedAt;
    private volatile Instant finishedAt;
    private volatile String lastError;

    public Reencryption(List<ResealableStore> stores, PersonalDataCipher cipher, int batch, Clock clock) {
        this.stores = List.copyOf(stores);
        this.cipher = cipher;
        this.batch = batch;
        this.clock = clock;
    }

    /** The job's state and what is left, per store. */
    public record Progress(String activeKey, boolean running, Instant startedAt, Instant finishedAt, long resealed,
                           Map<String, Long> remaining, long totalRemaining, String lastError) {
    }

    /** Starts a run unless one is going; true when this call started it. */
    public synchronized boolean start() {
        if (running) {
            return false;
        }
        running = true;
        startedAt = clock.instant();
        finishedAt = null;
        lastError = null;
        resealed.set(0);
        worker.submit(this::run);
        return true;
    }

    public Progress progress() {
        Map<String, Long> remaining = remaining();
        return new Progress(cipher.activeKeyId(), running, startedAt, finishedAt, resealed.get(), remaining,
                remaining.values().stream().mapToLong(Long::longValue).sum(), lastError);
    }

    public Map<String, Long> remaining() {
        Map<String, Long> remaining = new LinkedHashMap<>();
        for (ResealableStore s : stores) {
            remaining.put(s.name(), s.remaining(cipher.activeKeyId()));
        }
        return remaining;
    }

    private void run() {
        try {
            log.info("Re-encryption to key '{}' started", cipher.activeKeyId());
            for (ResealableStore store : stores) {
                long after = 0;
                ResealableStore.Batch b;
                while ((b = store.resealBatch(cipher, after, batch)).lastId() > after) {
                    resealed.addAndGet(b.resealed());
                    after = b.lastId();
                }
            }
            log.info("Re-encryption to key '{}' finished: {} rows re-sealed, {} left", cipher.activeKeyId(), resealed.get(),
                    remaining());
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            log.error("Re-encryption stopped after {} rows: {}", resealed.get(), e.getMessage());
        } finally {
            finishedAt = clock.instant();
            running = false;
        }
    }

    @Override
    public void destroy() {
        worker.shutdownNow();
    }
}
