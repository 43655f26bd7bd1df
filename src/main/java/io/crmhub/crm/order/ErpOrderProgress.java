package io.crmhub.crm.order;

import io.crmhub.crm.canonical.ErpOrderStatusSource;
import io.crmhub.crm.canonical.ErpOrderStatusSource.ErpOrderStatus;
import io.crmhub.routing.ClusterLease;
import io.crmhub.routing.WatermarkPoller;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * ERP order status and delivery progress → the CRM order's status timeline: polled by change time with the shared
 * {@link WatermarkPoller} (every {@code crmhub.orders.erp-status-interval}, one instance by lease), recorded once per
 * change of status or delivery (no event: nothing consumes one; the timeline reads {@code order_erp_status}).
 */
@Component
public class ErpOrderProgress {
    private static final Logger log = LoggerFactory.getLogger(ErpOrderProgress.class);

    private final JdbcClient jdbc;
    private final WatermarkPoller poller;
    private final Duration settle;
    private final ClusterLease lease;
    private final Clock clock;
    private final Optional<ErpOrderStatusSource> source;
    private final Duration interval;

    public static final String FLOW = "erp-to-crm.order-progress";

    private final io.crmhub.routing.ParkedMessages parked;

    ErpOrderProgress(JdbcClient jdbc, WatermarkPoller poller, ClusterLease lease, Clock clock,
                     io.crmhub.routing.ParkedMessages parked,
                     Optional<ErpOrderStatusSource> source, @Value("${crmhub.orders.erp-status-interval:60s}") Duration interval,
                     @Value("${crmhub.erp.poll-settle:10s}") Duration settle) {
        this.settle = settle;
        this.jdbc = jdbc;
        this.poller = poller;
        this.parked = parked;
        source.ifPresent(erp -> poller.pollOnRewind("erp-order-status:", this::poll));
        this.lease = lease;
        this.clock = clock;
        this.source = source;
        this.interval = interval;
    }

    @Scheduled(fixedDelayString = "${crmhub.orders.erp-status-interval:60s}", initialDelayString = "${crmhub.invoices.initial-delay:10s}")
    void scheduled() {
        if (source.isPresent() && lease.acquireOrRenew("erp-order-status-poll", interval.multipliedBy(3))) {
            try {
                poll();
            } catch (RuntimeException e) {
                log.warn("ERP order status poll failed; the next poll starts again from the stored watermark: {}", e.getMessage());
            }
        }
    }

    public WatermarkPoller.Outcome poll() {
        ErpOrderStatusSource erp = source.orElseThrow(() -> new IllegalStateException("no ERP order status source is configured"));
        String watermark = "erp-order-status:" + erp.system();
        return poller.poll(watermark, 500, settle, (since, until) -> erp.changedBetween(since, until, 500), ErpOrderStatus::changedAt,
                s -> record(erp.system(), watermark, s));
    }

    private WatermarkPoller.Stored record(String system, String watermark, ErpOrderStatus s) {
        Optional<Long> orderId = jdbc.sql("SELECT entity_id FROM external_link WHERE entity_type = 'ORDER' AND system = ? AND external_id = ?")
                .params(system, s.salesOrder()).query(Long.class).optional();
        if (orderId.isEmpty()) {
            return WatermarkPoller.Stored.SKIPPED; // an ERP order that did not come from the CRM, mapped or not
        }
        String key = "order:" + orderId.get();
        if (s.unmapped() != null) {
            parked.parkPolled(FLOW, watermark, key, s.changedAt(), "ERP order " + s.salesOrder() + ": " + s.unmapped(), s);
            return WatermarkPoller.Stored.SKIPPED;
        }
        parked.resolvePolled(FLOW, key, "status read from " + system);
        record Last(String status, String delivery) {
        }
        Optional<Last> last = jdbc.sql("SELECT status, delivery FROM order_erp_status WHERE order_id = ? AND system = ? ORDER BY changed_at DESC, id DESC FETCH FIRST 1 ROWS ONLY")
                .params(orderId.get(), system).query((rs, n) -> new Last(rs.getString(1), rs.getString(2))).optional();
        if (last.isPresent() && last.get().status().equals(s.status()) && last.get().delivery().equals(s.delivery())) {
            return WatermarkPoller.Stored.UNCHANGED;
        }
        jdbc.sql("""
                INSERT INTO order_erp_status (order_id, system, external_id, status, delivery, changed_at, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(orderId.get(), system, s.salesOrder(), s.status(), s.delivery(), Timestamp.from(s.changedAt()),
                        Timestamp.from(clock.instant())).update();
        return WatermarkPoller.Stored.CHANGED;
    }
}
