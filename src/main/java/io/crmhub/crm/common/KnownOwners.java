package io.crmhub.crm.common;

/** Who may own customers and orders: the configured SALES users and teams (the API's user list implements this). */
public interface KnownOwners {
    /** Whether {@code owner} ({@code sales2}, {@code team:east}) is a configured SALES user or a team of a user. */
    boolean exists(String owner);
}
