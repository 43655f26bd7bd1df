package io.crmhub.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Per-connector rate limits ({@link RateLimit}, from each connector's properties) held in the database, so N hub instances together stay under the provider's limit:
 * a request takes a slot in the current one-second window (and the day's quota) with one conditional UPDATE; when
 * the second is full it waits for the next one, up to {@code maxWait}; when the day's quota is spent it fails with a
 * transient fault whose retry hint is the next quota day (the message is parked and re-driven later, not lost).
 */
@Component
public class ConnectorRateLimiter {
    static final String SECOND = "SECOND";
    static final String DAY = "DAY";

    private final JdbcClient jdbc;
    private final Clock clock;

    public ConnectorRateLimiter(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Takes one request slot for {@code connector} under its {@code limit} (null: none), waiting for a free second if needed. */
    public void acquire(String connector, RateLimit limit) {
        if (limit == null) {
            return;
        }
        if (limit.perDay() > 0) {
            ZonedDateTime now = clock.instant().atZone(limit.quotaZone());
            LocalDate day = now.toLocalDate();
            if (!take(connector, DAY, day.toEpochDay(), limit.perDay())) {
                Duration untilTomorrow = Duration.between(now, day.plusDays(1).atStartOfDay(limit.quotaZone()));
                throw new TransientConnectorException(connector, "daily quota of " + limit.perDay() + " requests to "
                        + connector + " is used up until " + day.plusDays(1) + " (" + limit.quotaZone() + ")", untilTomorrow, null);
            }
        }
        if (limit.perSecond() > 0) {
            Instant deadline = clock.instant().plus(limit.maxWait());
            while (true) {
                long second = clock.instant().getEpochSecond();
                if (take(connector, SECOND, second, limit.perSecond())) {
                    return;
                }
                if (clock.instant().isAfter(deadline)) {
                    throw new TransientConnectorException(connector, "rate limit of " + limit.perSecond()
                            + "/s to " + connector + ": no free slot within " + limit.maxWait(), Duration.ofSeconds(1), null);
                }
                sleepUntil(Instant.ofEpochSecond(second + 1));
            }
        }
    }

    private boolean take(String connector, String kind, long window, int max) {
        for (int attempt = 0; attempt < 3; attempt++) {
            int updated = jdbc.sql("""
                    UPDATE rate_limit_window SET used = used + 1
                    WHERE connector = ? AND window_kind = ? AND window_start = ? AND used < ?""")
                    .params(connector, kind, window, max).update();
            if (updated == 1) {
                return true;
            }
            boolean exists = jdbc.sql("SELECT COUNT(*) FROM rate_limit_window WHERE connector = ? AND window_kind = ? AND window_start = ?")
                    .params(connector, kind, window).query(Long.class).single() > 0;
            if (exists) {
                return false;
            }
            try {
                jdbc.sql("INSERT INTO rate_limit_window (connector, window_kind, window_start, used) VALUES (?, ?, ?, 1)")
                        .params(connector, kind, window).update();
                return true;
            } catch (DuplicateKeyException raced) {
                // another instance opened the window at the same moment: count against its row
            }
        }
        return false;
    }

    private void sleepUntil(Instant at) {
        long millis = Duration.between(clock.instant(), at).toMillis();
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientConnectorException("rate-limit", "interrupted while waiting for a rate-limit slot", e);
        }
    }

    /** Per-second windows are only needed while they are current; day windows are kept a week for inspection. */
    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void purgeOldWindows() {
        long now = clock.instant().getEpochSecond();
        jdbc.sql("DELETE FROM rate_limit_window WHERE window_kind = ? AND window_start < ?").params(SECOND, now - 60).update();
        jdbc.sql("DELETE FROM rate_limit_window WHERE window_kind = ? AND window_start < ?")
                .params(DAY, LocalDate.now(clock).toEpochDay() - 7).update();
    }
}
