package io.crmhub.sandbox;

/** The local run's Stripe, when {@code crmhub.connectors.payment-stripe.secret-key} (the secret key) is not configured. */
public final class StripeSandboxRegistration implements ProviderSandbox {
    @Override
    public String connector() {
        return "payment-stripe";
    }

    @Override
    public String title() {
        return "Stripe";
    }

    @Override
    public String portProperty() {
        return "crmhub.sandbox.stripe-port";
    }

    @Override
    public int defaultPort() {
        return 18184;
    }

    @Override
    public String configuredBy() {
        return "secret-key";
    }

    @Override
    public Started start(LocalRun run) {
        StripeSandboxServer stripe = StripeSandboxServer.start(run.port(), run.recordsDir());
        return new Started(stripe.baseUrl(), stripe.hubProperties(run.hubUrl() + "/webhooks/payments/stripe"),
                " (pay an order: POST " + stripe.baseUrl() + "/sandbox/pay/<payment reference>)", stripe);
    }
}
