package io.crmhub.sandbox;

/** The local run's WeCom group robot for finance's reminders, when no {@code crmhub.connectors.notify-wecom.webhook-url} is set. */
public final class WecomRobotSandboxRegistration implements ProviderSandbox {
    @Override
    public String connector() {
        return "notify-wecom";
    }

    @Override
    public String title() {
        return "WeCom group robot";
    }

    @Override
    public String portProperty() {
        return "crmhub.sandbox.wecom-robot-port";
    }

    @Override
    public int defaultPort() {
        return 18186;
    }

    @Override
    public String configuredBy() {
        return "webhook-url";
    }

    @Override
    public Started start(LocalRun run) {
        WecomRobotSandboxServer robot = WecomRobotSandboxServer.start(run.port());
        return new Started(robot.baseUrl(), robot.hubProperties(), " (the group's messages: GET " + robot.baseUrl() + "/sandbox/messages)", robot);
    }
}
