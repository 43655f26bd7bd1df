package io.crmhub.sandbox;

/** The local run's WeChat Pay, when {@code crmhub.connectors.payment-wechatpay.merchant-id} (the merchant id) is not configured. */
public final class WechatPaySandboxRegistration implements ProviderSandbox {
    @Override
    public String connector() {
        return "payment-wechatpay";
    }

    @Override
    public String title() {
        return "WeChat Pay";
    }

    @Override
    public String portProperty() {
        return "crmhub.sandbox.wechatpay-port";
    }

    @Override
    public int defaultPort() {
        return 18182;
    }

    @Override
    public String configuredBy() {
        return "merchant-id";
    }

    @Override
    public Started start(LocalRun run) {
        WechatPaySandboxServer wechatPay = WechatPaySandboxServer.start(run.port(), run.recordsDir());
        return new Started(wechatPay.baseUrl(), wechatPay.hubProperties(run.hubUrl() + "/webhooks/payments/wechatpay"),
                " (pay an order: POST " + wechatPay.baseUrl() + "/sandbox/pay/<payment reference>)", wechatPay);
    }
}
