package io.crmhub.support;

/** The whole hub with Kingdee K/3 Cloud as its ERP (see {@link KingdeeHub}). */
public abstract class KingdeeHubIntegrationTest extends HubIntegrationTest implements KingdeeHub {
}
