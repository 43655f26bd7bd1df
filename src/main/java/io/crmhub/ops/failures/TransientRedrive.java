package io.crmhub.ops.failures;

import io.crmhub.routing.ConnectorGuards;
import io.crmhub.routing.ParkedMessages;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends transiently-failed parked messages back to their flows when their connector looks healthy again (breaker
 * not open, no new failure for {@code quietFor}), so an outage longer than the retry budget ends with nothing parked
 * and no engineer involved. Replays are claimed row by row, so several hub instances may run this at once safely;
 * each one is audited as done by {@code system}.
 */
@Component
public class TransientRedrive {
    private static final Logger log = LoggerFactory.getLogger(TransientRedrive.class);

    private final JdbcClient jdbc;
    private final ParkedMessageReplayer replayer;
    private final ConnectorGuards guards;
    private final RedriveProperties properties;
    private final Clock clock;

    public TransientRedrive(JdbcClient jdbc, ParkedMessageReplayer replayer, ConnectorGuards guards,
                            RedriveProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.replayer = replayer;
        this.guards = guards;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${crmhub.redrive.interval}", initialDelayString = "${crmhub.redrive.interval}")
    public void redrive() {
        if (!properties.enabled()) {
            return;
        }
        List<Candidate> candidates = jdbc.sql("""
                SELECT id, connector FROM parked_message
                WHERE status = ? AND transient_fault = ? AND replay_count < ? AND last_failed_at <= ?
                ORDER BY first_failed_at, id LIMIT ?""")
                .params(ParkedMessages.PARKED, true, properties.maxAttempts(),
                        Timestamp.from(clock.instant().minus(properties.quietFor())), properties.batch())
                .query((rs, n) -> new Candidate(rs.getLong(1), rs.getString(2))).list();
        // an open breaker means the provider is still failing; half-open lets the re-driven messages be the probes
        List<Long> ready = candidates.stream().filter(c -> c.connector() == null
                || guards.breaker(c.connector()).getState() != CircuitBreaker.State.OPEN).map(Candidate::id).toList();
        if (ready.isEmpty()) {
            return;
        }
        ReplayResult result = replayer.replay(new ReplayRequest(ready, null, false,
                "automatic re-drive after a transient fault; connector healthy again"));
        log.info("Re-drove {} transiently failed parked message(s); {} skipped", result.replayed(), result.skipped().size());
    }

    private record Candidate(long id, String connector) {
    }
}
