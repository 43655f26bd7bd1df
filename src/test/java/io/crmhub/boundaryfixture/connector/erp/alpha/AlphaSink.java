package io.crmhub.boundaryfixture.connector.erp.alpha;

import io.crmhub.boundaryfixture.connector.erp.beta.BetaClient;

/** A provider using another provider's client. */
public class AlphaSink {
    public String upsert() {
        return new BetaClient().call();
    }
}
