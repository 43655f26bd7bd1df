package io.crmhub.events;

import java.time.Duration;

/**
 * The outbox relay's manners while webhooks take a burst: hold back (so the two cores acknowledge providers first,
 * who would otherwise time out and re-send), but for at most {@code limit} per burst; after that, relay as usual even
 * if the burst goes on, so that a burst that never ends still flows, that much later. A zero limit never holds back.
 */
final class BurstYield {
    private final long limitNanos;
    private long holdingSince = -1;

    BurstYield(Duration limit) {
        this.limitNanos = limit.toNanos();
    }

    /** Whether to hold back now; {@code nowNanos} from {@link System#nanoTime()}. Called by one thread. */
    boolean holdBack(boolean underBurst, long nowNanos) {
        if (limitNanos == 0 || !underBurst) {
            holdingSince = -1;
            return false;
        }
        if (holdingSince < 0) {
            holdingSince = nowNanos;
        }
        return nowNanos - holdingSince < limitNanos;
    }
}
