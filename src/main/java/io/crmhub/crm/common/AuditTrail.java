package io.crmhub.crm.common;

import java.util.Map;

/**
 * Where the CRM records an operator's action (who, when, what, why, before and after). The CRM store owns the action
 * and states it here; operations keep the log ({@code ops.audit.AuditLog} implements this), so the CRM does not
 * depend on operations (D43).
 */
public interface AuditTrail {
    /** Records {@code action} on {@code targetType}/{@code targetId} by the current user, in the caller's transaction. */
    void record(String action, String targetType, String targetId, String reason, Map<String, ?> detail);
}
