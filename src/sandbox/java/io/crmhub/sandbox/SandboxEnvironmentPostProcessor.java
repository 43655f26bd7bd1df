package io.crmhub.sandbox;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * With {@code crmhub.sandbox.enabled=true} (the local default), starts every registered {@link ProviderSandbox}
 * whose provider is not configured, before the connectors are configured, and points the connectors at them (keys and
 * secrets generated per run). Configuring a real provider turns its sandbox off. The sandboxes are not in the product
 * jar; where they are on the class path (tests, {@code ./mvnw spring-boot:run}) the prod profile still refuses them.
 * The sandboxes keep their records under {@code <crmhub.data-dir>/sandbox} (the default run's {@code ./data}, beside
 * the hub's database), so that after a restart they still hold what the hub has linked to; without a data directory
 * (tests) they keep them in memory.
 */
public class SandboxEnvironmentPostProcessor implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!env.getProperty("crmhub.sandbox.enabled", Boolean.class, false)) {
            return;
        }
        if (env.acceptsProfiles(Profiles.of("prod"))) {
            throw new IllegalStateException("The prod profile cannot run provider sandboxes, but crmhub.sandbox.enabled=true: "
                    + "set CRMHUB_SANDBOX_ENABLED=false and configure the real providers");
        }
        String dataDir = env.getProperty("crmhub.data-dir", "");
        Path records = dataDir.isBlank() ? null : Path.of(dataDir, "sandbox");
        String hubUrl = "http://127.0.0.1:" + env.getProperty("server.port", "8080");
        Map<String, Object> properties = new LinkedHashMap<>();
        for (ProviderSandbox sandbox : ServiceLoader.load(ProviderSandbox.class, getClass().getClassLoader())) {
            if (!sandbox.standsIn(env)) {
                continue;
            }
            int port = env.getProperty(sandbox.portProperty(), Integer.class, sandbox.defaultPort());
            ProviderSandbox.Started started = sandbox.start(new ProviderSandbox.LocalRun(env, port, records, hubUrl));
            closeWithApplication(application, started);
            properties.putAll(started.connectorProperties());
            System.out.println("CRM Hub: " + sandbox.title() + " sandbox listening on " + started.baseUrl() + started.hint());
        }
        if (!properties.isEmpty()) {
            env.getPropertySources().addFirst(new MapPropertySource("crmhub-sandboxes", properties));
        }
    }

    private static void closeWithApplication(SpringApplication application, AutoCloseable sandbox) {
        Runnable close = () -> {
            try {
                sandbox.close();
            } catch (Exception ignored) {
                // stopping a local stand-in; nothing to recover
            }
        };
        application.addListeners((ApplicationListener<ContextClosedEvent>) e -> close.run());
        application.addListeners((ApplicationListener<ApplicationFailedEvent>) e -> close.run());
    }
}
