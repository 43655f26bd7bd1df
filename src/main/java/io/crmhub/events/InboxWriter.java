package io.crmhub.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Group commit for the inbox: webhook requests hand their verified event to one writer thread, which stores whatever
 * has queued up meanwhile (up to {@code crmhub.inbox.max-batch}) in one transaction, and each request is answered
 * only after that commit. Under load one commit serves many notifications instead of one each; when a batch fails
 * (another instance stored a copy at the same moment) its entries are written one by one.
 */
@Component
public class InboxWriter implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(InboxWriter.class);

    private record Pending(Inbox.Entry entry, CompletableFuture<Inbox.Outcome> outcome) {
    }

    private final Inbox inbox;
    private final int maxBatch;
    private final Duration maxWait;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** A group commit at least this large means webhooks are taking a burst (requests queued behind a commit). */
    static final int BURST_BATCH = 8;
    private static final long BURST_MEMORY_NANOS = 200_000_000L;
    private volatile long lastBurstBatchAt = System.nanoTime() - BURST_MEMORY_NANOS;
    private volatile Thread writer;
    private volatile boolean running;

    InboxWriter(Inbox inbox, InboxProperties properties) {
        this.inbox = inbox;
        this.maxBatch = properties.maxBatch();
        this.maxWait = properties.maxWait();
    }

    /**
     * Stores the entry (durably, with its routed event) and tells whether it was new.
     *
     * @throws InboxUnavailableException when it could not be stored within {@code crmhub.inbox.max-wait}: the caller
     *                                   must not acknowledge, so that the provider sends it again
     */
    public Inbox.Outcome accept(Inbox.Entry entry) {
        if (!running) {
            return inbox.accept(entry); // before start / after stop: no writer thread, write directly
        }
        CompletableFuture<Inbox.Outcome> outcome = new CompletableFuture<>();
        queue.add(new Pending(entry, outcome));
        try {
            return outcome.get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InboxUnavailableException("interrupted while storing " + entry.provider() + " event", e);
        } catch (TimeoutException e) {
            throw new InboxUnavailableException("the inbox did not store " + entry.provider() + " event within " + maxWait, e);
        } catch (ExecutionException e) {
            throw new InboxUnavailableException("the inbox could not store " + entry.provider() + " event: " + e.getCause(), e.getCause());
        }
    }

    /** Whether webhooks are taking a burst: a large group commit within the last 200 ms. */
    public boolean underBurst() {
        return System.nanoTime() - lastBurstBatchAt < BURST_MEMORY_NANOS;
    }

    /** Thrown when an event could not be stored; webhooks answer 503 so the provider re-sends. */
    public static class InboxUnavailableException extends RuntimeException {
        InboxUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                if (batch.size() >= BURST_BATCH) {
                    lastBurstBatchAt = System.nanoTime();
                }
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        try {
            List<Inbox.Outcome> outcomes = inbox.acceptAll(batch.stream().map(Pending::entry).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).outcome().complete(outcomes.get(i));
            }
        } catch (RuntimeException batchFailed) {
            log.debug("Inbox batch of {} failed ({}); writing its entries one by one", batch.size(), batchFailed.toString());
            for (Pending p : batch) {
                try {
                    p.outcome().complete(inbox.accept(p.entry()));
                } catch (RuntimeException e) {
                    p.outcome().completeExceptionally(e);
                }
            }
        }
    }

    @Override
    public void start() {
        running = true;
        writer = new Thread(this::run, "inbox-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread t = writer;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before and stops after the web server (phase {@code MAX_VALUE - 2048}), so no request finds it stopped. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 4096;
    }
}
