package io.crmhub.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Each hub the tests start — every cached Spring context and every child hub process — has its own embedded broker
 * and must therefore have its own CRM store: two hubs sharing an outbox would relay each other's events into their
 * own brokers. H2 in-memory URLs are unique per context already; on PostgreSQL (the PostgreSQL suite) each hub gets
 * its own schema in the suite's database, named per test run.
 */
public final class TestDatabases {
    private static final String RUN = UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    private TestDatabases() {
    }

    public static boolean postgres() {
        return System.getProperty("spring.datasource.url", "").startsWith("jdbc:postgresql");
    }

    /**
     * Registers the context's schema: {@code shared} unless the test class asked for its own with {@link #own}
     * (Spring registers the base class's dynamic properties last, so the choice is made through a placeholder).
     */
    static void isolate(DynamicPropertyRegistry registry) {
        if (postgres()) {
            String schema = "${crmhub.test.own-schema:" + schemaName("shared") + "}";
            registry.add("spring.datasource.hikari.schema", () -> schema);
            registry.add("spring.flyway.schemas", () -> schema);
            registry.add("spring.flyway.create-schemas", () -> "true");
            // the hubs sharing a schema must share its personal-data key too: one key file per schema and run
            String keys = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "crmhub-it-keys-" + RUN).toString();
            registry.add("crmhub.protection.key-file", () -> keys + "/" + schema + "/personal-data.keys");
        }
    }

    /** For a test class whose context differs from the shared one: its hub gets a schema of its own. */
    public static void own(DynamicPropertyRegistry registry, String name) {
        if (postgres()) {
            registry.add("crmhub.test.own-schema", () -> schemaName(name));
        }
    }

    /** Command-line arguments giving a child hub process its own database (H2 file under {@code dir}, or a schema) and key. */
    public static List<String> arguments(java.nio.file.Path dir, String name) {
        List<String> args = new ArrayList<>();
        // the hub's personal-data key lives with its store, outside the working tree
        args.add("--crmhub.protection.key-file=" + dir.resolve("keys/personal-data.keys"));
        if (postgres()) {
            String schema = schemaName(name);
            args.add("--spring.datasource.url=" + System.getProperty("spring.datasource.url"));
            args.add("--spring.datasource.username=" + System.getProperty("spring.datasource.username", "postgres"));
            args.add("--spring.datasource.hikari.schema=" + schema);
            args.add("--spring.flyway.schemas=" + schema);
            args.add("--spring.flyway.create-schemas=true");
        } else {
            args.add("--spring.datasource.url=jdbc:h2:file:" + dir.resolve("db/crmhub") + ";WRITE_DELAY=0");
        }
        return args;
    }

    private static String schemaName(String name) {
        return ("it_" + RUN + "_" + name).toLowerCase().replaceAll("[^a-z0-9_]", "_");
    }
}
