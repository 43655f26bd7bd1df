package io.crmhub.crm.order;

import io.crmhub.crm.canonical.ErpOrderStatusSource;
import io.crmhub.crm.canonical.ErpOrderStatusSource.ErpOrderStatus;
import io.crmhub.events.ClusterLease;
import io.crmhub.routing.WatermarkPoller;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.crmhub.routing.ErpProperties;
import io.crmhub.routing.ParkedMessages;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * ERP order status and delivery progress → the CRM order's status timeline: polled by change time with the shared
 * {@link WatermarkPoller} (every {@code crmhub.orders.erp-status-interval}, one instance by lease, see {@link OrderProgressProperties}), recorded once per
 * change of status or delivery (no event: nothing consumes one; the timeline reads {@code order_erp_status}).
 */
@Component
public class ErpOrderProgress implements SchedulingConfigurer {
    private static final Logger log = LoggerFactory.getLogger(ErpOrderProgress.class);

    public static final String FLOW = "erp-to-crm.order-progress";
    static final String WATERMARK = "erp-order-status:";

    private final JdbcClient jdbc;
    private final WatermarkPoller poller;
    private final ClusterLease lease;
    private final Clock clock;
    private final ParkedMessages parked;
    private final Optional<ErpOrderStatusSource> source;
    private final OrderProgressProperties properties;
    private final Duration settle;

    ErpOrderProgress(JdbcClient jdbc, WatermarkPoller poller, ClusterLease lease, Clock clock,
                     ParkedMessages parked, Optional<ErpOrderStatusSource> source, OrderProgressProperties properties,
                     ErpProperties erp) {
        this.jdbc = jdbc;
        this.poller = poller;
        this.lease = lease;
        this.clock = clock;
        this.parked = parked;
        this.source = source;
        this.properties = properties;
        this.settle = erp.pollSettle();
        // registered last: the poller may call it from another thread as soon as it knows it
        source.ifPresent(s -> poller.pollOnRewind(WATERMARK, this::poll));
    }

    /** Every {@code crmhub.orders.erp-status-interval}, the first {@code crmhub.orders.erp-status-initial-delay} after start. */
    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::scheduled, properties.erpStatusInterval(), properties.erpStatusInitialDelay()));
    }

    void scheduled() {
        if (source.isPresent() && lease.acquireOrRenew("erp-order-status-poll", properties.erpStatusInterval().multipliedBy(3))) {
            try {
                poll();
            } catch (RuntimeException e) {
                log.warn("ERP order status poll failed; the next poll starts again from the stored watermark: {}", e.getMessage());
            }
        }
    }

    public WatermarkPoller.Outcome poll() {
        ErpOrderStatusSource erp = source.orElseThrow(() -> new IllegalStateException("no ERP order status source is configured"));
        String watermark = WATERMARK + erp.system();
        int pageSize = properties.erpStatusPageSize();
        return poller.poll(watermark, pageSize, settle, (since, until) -> erp.changedBetween(since, until, pageSize), ErpOrderStatus::changedAt,
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
