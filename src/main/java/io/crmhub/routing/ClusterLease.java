package io.crmhub.routing;

import java.lang.management.ManagementFactory;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Database-backed leases so that exactly one hub instance runs a singleton job (outbox relay, pollers) at a time.
 * A lease is taken when free or expired and renewed by its holder; a dead holder's lease simply runs out.
 */
@Component
public class ClusterLease {
    private final JdbcClient jdbc;
    private final Clock clock;
    private final String instanceId;

    public ClusterLease(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.instanceId = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String instanceId() {
        return instanceId;
    }

    /** True when this instance holds {@code name} for at least {@code duration} from now. */
    public boolean acquireOrRenew(String name, Duration duration) {
        Instant now = clock.instant();
        int updated = jdbc.sql("""
                UPDATE cluster_lease SET owner = ?, expires_at = ?
                WHERE name = ? AND (owner = ? OR owner IS NULL OR expires_at < ?)""")
                .params(instanceId, Timestamp.from(now.plus(duration)), name, instanceId, Timestamp.from(now))
                .update();
        if (updated == 0 && !exists(name)) {
            try {
                jdbc.sql("INSERT INTO cluster_lease (name, owner, expires_at) VALUES (?, NULL, ?)")
                        .params(name, Timestamp.from(Instant.EPOCH)).update();
            } catch (org.springframework.dao.DuplicateKeyException raced) {
                // another instance created it first; fine
            }
            return acquireOrRenew(name, duration);
        }
        return updated == 1;
    }

    public void release(String name) {
        jdbc.sql("UPDATE cluster_lease SET owner = NULL, expires_at = ? WHERE name = ? AND owner = ?")
                .params(Timestamp.from(Instant.EPOCH), name, instanceId).update();
    }

    private boolean exists(String name) {
        return jdbc.sql("SELECT COUNT(*) FROM cluster_lease WHERE name = ?").param(name).query(Long.class).single() > 0;
    }
}
