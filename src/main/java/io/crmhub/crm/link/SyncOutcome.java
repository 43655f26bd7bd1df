package io.crmhub.crm.link;

/** One sync result to record: which entity at which version went where, by which flow and event. */
public record SyncOutcome(String entityType, long entityId, long version, String system, String externalId,
                          String flow, String eventId, String correlationId, String message) {
}
