package io.crmhub.sandbox;

/** The local run's Alipay, when {@code crmhub.connectors.payment-alipay.app-id} (the app id) is not configured. */
public final class AlipaySandboxRegistration implements ProviderSandbox {
    @Override
    public String connector() {
        return "payment-alipay";
    }

    @Override
    public String title() {
        return "Alipay";
    }

    @Override
    public String portProperty() {
        return "crmhub.sandbox.alipay-port";
    }

    @Override
    public int defaultPort() {
        return 18183;
    }

    @Override
    public String configuredBy() {
        return "app-id";
    }

    @Override
    public Started start(LocalRun run) {
        AlipaySandboxServer alipay = AlipaySandboxServer.start(run.port(), run.recordsDir());
        return new Started(alipay.baseUrl(), alipay.hubProperties(run.hubUrl() + "/webhooks/payments/alipay"),
                " (pay an order: POST " + alipay.baseUrl() + "/sandbox/pay/<payment reference>)", alipay);
    }
}
