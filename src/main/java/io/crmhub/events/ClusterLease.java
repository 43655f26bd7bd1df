package io.crmhub.events;

import java.lang.management.ManagementFactory;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    /** Until when this instance holds each lease, as last written: a holder renews only once half of it has run out. */
    private final Map<String, Instant> heldUntil = new ConcurrentHashMap<>();

    public ClusterLease(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.instanceId = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String instanceId() {
        return instanceId;
    }

    /**
     * True when this instance holds {@code name} for at least half of {@code duration} from now. The database row is
     * written only to take the lease or once half of it has run out, not on every call: the outbox relay asks before
     * each batch, and a write per batch was a commit per batch for nothing.
     */
    public boolean acquireOrRenew(String name, Duration duration) {
        Instant now = clock.instant();
        Instant held = heldUntil.get(name);
        if (held != null && held.isAfter(now.plus(duration.dividedBy(2)))) {
            return true;
        }
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
        if (updated == 1) {
            heldUntil.put(name, now.plus(duration));
            return true;
        }
        heldUntil.remove(name);
        return false;
    }

    public void release(String name) {
        heldUntil.remove(name);
        jdbc.sql("UPDATE cluster_lease SET owner = NULL, expires_at = ? WHERE name = ? AND owner = ?")
                .params(Timestamp.from(Instant.EPOCH), name, instanceId).update();
    }

    private boolean exists(String name) {
        return jdbc.sql("SELECT COUNT(*) FROM cluster_lease WHERE name = ?").param(name).query(Long.class).single() > 0;
    }
}
