package io.crmhub.routing;

/** What a sink connector did: the record's id in the external system and whether it was created or updated. */
public record ConnectorResult(String system, String externalId, Action action) {
    public enum Action { CREATED, UPDATED }
}
