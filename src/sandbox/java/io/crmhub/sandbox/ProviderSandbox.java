package io.crmhub.sandbox;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.core.env.Environment;

/**
 * One provider's sandbox as the local run starts it, registered by the sandbox itself in
 * {@code META-INF/services/io.crmhub.sandbox.ProviderSandbox}: {@link SandboxEnvironmentPostProcessor} starts every
 * registered sandbox whose provider is not configured and points the connector at it. Adding a sandbox = its classes
 * and one line in that file; no central class changes.
 */
public interface ProviderSandbox {

    /** The connector it stands in for, as named under {@code crmhub.connectors} (e.g. {@code erp-sap}). */
    String connector();

    /** The provider as the console names it when the sandbox starts (e.g. "SAP S/4HANA"). */
    String title();

    /** The property that sets its port (e.g. {@code crmhub.sandbox.sap-port}, env {@code CRMHUB_SANDBOX_SAP_PORT}); 0 = any free port. */
    String portProperty();

    /** Its port when {@link #portProperty()} is not set: a fixed one, so the README's tour can call it. */
    int defaultPort();

    /** The connector property whose presence means a real provider is configured (e.g. {@code base-url}). */
    String configuredBy();

    /** Whether the local run needs this sandbox: by default, when the real provider is not configured. */
    default boolean standsIn(Environment env) {
        return !env.containsProperty("crmhub.connectors." + connector() + "." + configuredBy());
    }

    /** Starts the sandbox; what it returns says which connector properties point the hub at it. */
    Started start(LocalRun run);

    /**
     * What the local run gives a sandbox: the environment (for its own tuning properties), its port, the directory
     * for its records (null: memory only) and the hub's own base URL (for notifications it sends).
     */
    record LocalRun(Environment environment, int port, Path recordsDir, String hubUrl) {
    }

    /** A started sandbox: where it listens, the connector properties it fills, a hint for the console, how to stop it. */
    record Started(String baseUrl, Map<String, Object> connectorProperties, String hint, AutoCloseable server)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            server.close();
        }
    }
}
