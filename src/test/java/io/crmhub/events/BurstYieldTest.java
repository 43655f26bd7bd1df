package io.crmhub.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BurstYieldTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void holdsBackDuringABurstForAtMostTheLimitThenRelaysWhileTheBurstGoesOn() {
        BurstYield yield = new BurstYield(Duration.ofSeconds(10));
        assertThat(yield.holdBack(false, 0)).as("no burst").isFalse();
        assertThat(yield.holdBack(true, 1 * SECOND)).as("burst begins").isTrue();
        assertThat(yield.holdBack(true, 10 * SECOND)).as("9 s into the burst").isTrue();
        assertThat(yield.holdBack(true, 11 * SECOND)).as("10 s into the burst").isFalse();
        assertThat(yield.holdBack(true, 60 * SECOND)).as("the burst goes on: the relay keeps relaying").isFalse();
    }

    @Test
    void aNewBurstAfterAQuietMomentIsHeldBackAgain() {
        BurstYield yield = new BurstYield(Duration.ofSeconds(10));
        assertThat(yield.holdBack(true, 0)).isTrue();
        assertThat(yield.holdBack(true, 20 * SECOND)).isFalse();
        assertThat(yield.holdBack(false, 21 * SECOND)).as("quiet").isFalse();
        assertThat(yield.holdBack(true, 22 * SECOND)).as("next burst").isTrue();
    }

    @Test
    void aZeroLimitNeverHoldsBack() {
        assertThat(new BurstYield(Duration.ZERO).holdBack(true, 0)).isFalse();
    }
}
