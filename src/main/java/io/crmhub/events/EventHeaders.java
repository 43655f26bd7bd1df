package io.crmhub.events;

/** JMS properties every CRM event carries from the outbox relay to the flows (valid JMS identifiers). */
public final class EventHeaders {
    public static final String EVENT_ID = "CrmEventId";
    public static final String EVENT_TYPE = "CrmEventType";
    public static final String AGGREGATE_TYPE = "CrmAggregateType";
    public static final String AGGREGATE_ID = "CrmAggregateId";
    public static final String AGGREGATE_VERSION = "CrmAggregateVersion";
    public static final String CORRELATION_ID = "CrmCorrelationId";
    /** Epoch millis of the CRM commit, for end-to-end latency. */
    public static final String CREATED_AT = "CrmCreatedAt";
    /** Artemis duplicate detection: a re-sent event (relay crash before marking) is dropped by the broker. */
    public static final String BROKER_DUPLICATE_ID = "_AMQ_DUPL_ID";
    public static final String GROUP_ID = "JMSXGroupID";
    /** Set on a message replayed by an operator: the id of the parked message it came from. */
    public static final String REPLAY_OF = "CrmReplayOf";

    private EventHeaders() {
    }
}
