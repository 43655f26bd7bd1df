package io.crmhub.crm.link;

import java.time.Instant;

/** Where a CRM entity lives in an external system, and how its last sync went. */
public record ExternalReference(String system, String externalId, String status, long syncedVersion,
                                Instant lastSyncedAt, String message) {
}
