package io.crmhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmhub.support.HubIntegrationTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Rate limits live in the database: two limiters standing for two hub instances, hammering one connector from eight
 * threads, never exceed the per-second limit together; a spent daily quota refuses with a hint to the next day.
 */
class ConnectorRateLimiterIT extends HubIntegrationTest {

    @Test
    void twoInstancesTogetherNeverExceedTheLimitInAnySecond() throws Exception {
        String connector = "limited-" + System.nanoTime();
        RateLimit limit = new RateLimit(5, 0, ZoneId.of("UTC"), Duration.ofSeconds(30));
        List<ConnectorRateLimiter> instances = List.of(
                new ConnectorRateLimiter(jdbc, Clock.systemUTC()), new ConnectorRateLimiter(jdbc, Clock.systemUTC()));
        ConcurrentLinkedQueue<Long> grantedAtSecond = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        List<Future<?>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 24; i++) {
            ConnectorRateLimiter limiter = instances.get(i % 2);
            calls.add(pool.submit(() -> {
                limiter.acquire(connector, limit);
                grantedAtSecond.add(Instant.now().getEpochSecond());
            }));
        }
        for (Future<?> call : calls) {
            call.get();
        }
        pool.shutdown();
        Map<Long, Long> perSecond = grantedAtSecond.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        System.out.printf("[rate-limit] granted=%d seconds=%d maxInOneSecond=%d elapsedMs=%d%n", grantedAtSecond.size(),
                perSecond.size(), perSecond.values().stream().mapToLong(Long::longValue).max().orElse(0),
                Duration.ofNanos(System.nanoTime() - start).toMillis());
        assertThat(grantedAtSecond).hasSize(24);
        assertThat(perSecond.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(5));
        assertThat(perSecond).hasSizeGreaterThanOrEqualTo(5); // 24 requests at 5/s need at least five seconds
    }

    @Test
    void aSpentDailyQuotaRefusesWithATransientFaultUntilTheNextQuotaDay() {
        String connector = "quota-" + System.nanoTime();
        Clock noon = Clock.fixed(Instant.parse("2026-11-25T04:00:00Z"), ZoneOffset.UTC); // 12:00 in Shanghai
        RateLimit limit = new RateLimit(0, 3, ZoneId.of("Asia/Shanghai"), Duration.ofSeconds(1));
        ConnectorRateLimiter first = new ConnectorRateLimiter(jdbc, noon);
        ConnectorRateLimiter second = new ConnectorRateLimiter(jdbc, noon);
        first.acquire(connector, limit);
        second.acquire(connector, limit);
        first.acquire(connector, limit);
        assertThatThrownBy(() -> second.acquire(connector, limit))
                .isInstanceOfSatisfying(TransientConnectorException.class, e -> {
                    assertThat(e.getMessage()).contains("daily quota of 3").contains("2026-11-26");
                    assertThat(e.retryAfter()).contains(Duration.ofHours(12));
                });
        ConnectorRateLimiter nextDay = new ConnectorRateLimiter(jdbc, Clock.offset(noon, Duration.ofHours(12)));
        nextDay.acquire(connector, limit); // a new quota day
    }

    @Test
    void aConnectorWithoutLimitsIsNeverHeldBack() {
        ConnectorRateLimiter limiter = new ConnectorRateLimiter(jdbc, Clock.systemUTC());
        for (int i = 0; i < 100; i++) {
            limiter.acquire("unlimited", null);
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM rate_limit_window WHERE connector = 'unlimited'").query(Long.class).single()).isZero();
    }
}
