package io.crmhub.sandbox;

import java.time.Duration;
import org.springframework.core.env.Environment;

/** The local run's Kingdee K/3 Cloud, when {@code crmhub.erp.provider=kingdee} and no Kingdee URL is configured. */
public final class KingdeeSandboxRegistration implements ProviderSandbox {
    static final String ACCT_ID = "sandbox-acct";

    @Override
    public String connector() {
        return "erp-kingdee";
    }

    @Override
    public String title() {
        return "Kingdee K/3 Cloud";
    }

    @Override
    public String portProperty() {
        return "crmhub.sandbox.kingdee-port";
    }

    @Override
    public int defaultPort() {
        return 18185;
    }

    @Override
    public String configuredBy() {
        return "base-url";
    }

    /** Only when Kingdee is the ERP: the default run's ERP is SAP. */
    @Override
    public boolean standsIn(Environment env) {
        return "kingdee".equals(env.getProperty("crmhub.erp.provider")) && ProviderSandbox.super.standsIn(env);
    }

    @Override
    public Started start(LocalRun run) {
        KingdeeSandboxServer kingdee = KingdeeSandboxServer.start(run.port(), ACCT_ID, ProviderSandboxes.LOCAL_USER,
                ProviderSandboxes.LOCAL_PASSWORD, run.recordsDir());
        // finance issues a receivable for each new sales order a little later, as the SAP sandbox invoices
        kingdee.kingdee().invoiceAfter(Duration.ofSeconds(run.environment().getProperty("crmhub.sandbox.kingdee-invoice-after-seconds", Long.class, 5L)));
        return new Started(kingdee.baseUrl(), kingdee.hubProperties(), "", kingdee);
    }
}
