package io.crmhub.boundaryfixture.connector.erp.beta;

public class BetaClient {
    public static final String SYSTEM = "erp-beta";

    public String call() {
        return SYSTEM;
    }
}
