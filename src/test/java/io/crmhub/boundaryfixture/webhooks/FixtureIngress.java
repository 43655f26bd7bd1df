package io.crmhub.boundaryfixture.webhooks;

import io.crmhub.boundaryfixture.connector.erp.alpha.AlphaSink;

/** Declares that it uses routing only, and calls a connector. */
public class FixtureIngress {
    public String accept() {
        return new AlphaSink().upsert();
    }
}
