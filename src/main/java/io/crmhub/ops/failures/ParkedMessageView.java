package io.crmhub.ops.failures;

import java.time.Instant;
import java.util.Map;

/** A parked message as engineers see it; payload and headers only in the detail view, always masked. */
public record ParkedMessageView(long id, String status, String flow, String connector, String entityKey, String eventId,
                                String correlationId, String reason, String reasonClass, boolean transientFault,
                                int attempts, int replayCount, Instant firstFailedAt, Instant lastFailedAt,
                                Instant lastReplayedAt, Instant resolvedAt, String resolution,
                                Map<String, Object> headers, String payload) {
}
