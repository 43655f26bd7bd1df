package io.crmhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crmhub.support.HubIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The poller's settle time against an ERP whose commits become visible out of change-time order (SAP stamps a billing
 * document before its asynchronous update task commits it): the source here is a list the test makes records
 * "visible" in, each with its own change time.
 */
class WatermarkPollerIT extends HubIntegrationTest {

    record Rec(String id, Instant changedAt) {
    }

    @Autowired
    WatermarkPoller poller;

    private final List<Rec> visible = new CopyOnWriteArrayList<>();
    private final List<String> stored = new CopyOnWriteArrayList<>();

    @Test
    void aRecordVisibleLateWithAnEarlierChangeTimeIsReadOnceSettledButLostWithoutASettleTime() {
        Instant t0 = Instant.now();
        visible.add(new Rec("A", t0));

        // without a settle time: A is read at once, the watermark moves to t0, and B (stamped before A, visible after) is lost
        String eager = "test-eager-" + System.nanoTime();
        poll(eager, Duration.ZERO);
        visible.add(new Rec("B", t0.minusMillis(500)));
        poll(eager, Duration.ZERO);
        assertThat(stored).containsExactly("A");

        // with one: nothing younger than the settle time is read, so B is there by the time the window is read
        visible.clear();
        stored.clear();
        String settled = "test-settled-" + System.nanoTime();
        Instant t1 = Instant.now();
        visible.add(new Rec("C", t1));
        WatermarkPoller.Outcome early = poll(settled, Duration.ofSeconds(2));
        assertThat(early.read()).isZero();
        assertThat(early.watermark()).as("the watermark does not move over unsettled records").isEqualTo(Instant.EPOCH);
        visible.add(new Rec("D", t1.minusMillis(500)));
        await().pollDelay(Duration.ofMillis(2100)).atMost(Duration.ofSeconds(10)).until(() -> {
            poll(settled, Duration.ofSeconds(2));
            return stored.size() == 2;
        });
        assertThat(stored).containsExactly("D", "C");
    }

    private WatermarkPoller.Outcome poll(String name, Duration settle) {
        return poller.poll(name, 100, settle, (from, until) -> {
                    List<Rec> page = new ArrayList<>();
                    visible.stream().filter(r -> !r.changedAt().isBefore(from) && !r.changedAt().isAfter(until))
                            .sorted(Comparator.comparing(Rec::changedAt)).forEach(page::add);
                    return page;
                }, Rec::changedAt,
                r -> {
                    if (stored.contains(r.id())) {
                        return WatermarkPoller.Stored.UNCHANGED;
                    }
                    stored.add(r.id());
                    return WatermarkPoller.Stored.CHANGED;
                });
    }
}
