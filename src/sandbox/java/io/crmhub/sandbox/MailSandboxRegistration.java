package io.crmhub.sandbox;

/**
 * The local run's mail server for finance's reminders, when no {@code crmhub.connectors.notify-email.host} is set: SMTP
 * on {@code crmhub.sandbox.mail-port} (18025), the inbox on {@code crmhub.sandbox.mail-inbox-port} (18187).
 */
public final class MailSandboxRegistration implements ProviderSandbox {
    @Override
    public String connector() {
        return "notify-email";
    }

    @Override
    public String title() {
        return "Mail (SMTP)";
    }

    @Override
    public String portProperty() {
        return "crmhub.sandbox.mail-port";
    }

    @Override
    public int defaultPort() {
        return 18025;
    }

    @Override
    public String configuredBy() {
        return "host";
    }

    @Override
    public Started start(LocalRun run) {
        MailSandbox mail = MailSandbox.start(run.port(), run.environment().getProperty("crmhub.sandbox.mail-inbox-port", Integer.class, 18187));
        return new Started("smtp://127.0.0.1:" + mail.smtpPort(), mail.hubProperties(), " (finance's inbox: GET " + mail.inboxUrl() + ")", mail);
    }
}
