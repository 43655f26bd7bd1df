package io.crmhub.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * One PostgreSQL store for several hub processes (a cluster of hubs), fresh per test run and dropped afterwards. H2
 * cannot be shared between processes, so tests of several instances use PostgreSQL in every suite: in the default
 * suite a fresh database on the PostgreSQL every dev and CI machine runs ({@code 127.0.0.1:5432}, user
 * {@code postgres}, trust auth; {@code PGHOST}, {@code PGPORT}, {@code PGUSER} as in {@code .ci/run}); in the
 * PostgreSQL suite a fresh schema in the suite's database.
 */
public final class SharedPostgres implements AutoCloseable {
    private static final String LOCAL_SERVER = "jdbc:postgresql://" + env("PGHOST", "127.0.0.1") + ":" + env("PGPORT", "5432") + "/";
    private static final String LOCAL_USER = env("PGUSER", "postgres");

    private final String url;
    private final String user;
    private final String schema;     // the suite's database: a schema of our own in it
    private final String database;   // the default suite: a database of our own
    private final JdbcClient jdbc;

    private SharedPostgres(String url, String user, String schema, String database) {
        this.url = url;
        this.user = user;
        this.schema = schema;
        this.database = database;
        DriverManagerDataSource dataSource = new DriverManagerDataSource(schema == null ? url
                : url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, user, "");
        this.jdbc = JdbcClient.create(dataSource);
    }

    /**
     * Whether tests that need several hub processes can run: always in the PostgreSQL suite; in the default suite when
     * the local PostgreSQL answers. On CI ({@code CI=true}) a missing PostgreSQL is a failure, not a skip.
     */
    public static boolean available() {
        if (TestDatabases.postgres() || "true".equalsIgnoreCase(System.getenv("CI"))) {
            return true;
        }
        try (Connection c = DriverManager.getConnection(LOCAL_SERVER + "postgres", LOCAL_USER, "")) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    public static String where() {
        return LOCAL_SERVER + " as " + LOCAL_USER;
    }

    public static SharedPostgres create(String name) throws SQLException {
        String suffix = (name + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8)).toLowerCase()
                .replaceAll("[^a-z0-9_]", "_");
        if (TestDatabases.postgres()) {
            String url = System.getProperty("spring.datasource.url");
            String user = System.getProperty("spring.datasource.username", LOCAL_USER);
            String schema = "it_" + suffix;
            execute(url, user, "CREATE SCHEMA " + schema);
            return new SharedPostgres(url, user, schema, null);
        }
        String database = "crmhub_it_" + suffix;
        execute(LOCAL_SERVER + "postgres", LOCAL_USER, "CREATE DATABASE " + database);
        return new SharedPostgres(LOCAL_SERVER + database, LOCAL_USER, null, database);
    }

    /** Command-line arguments pointing a hub process at this store (its Flyway migrates it on start). */
    public List<String> hubArguments() {
        List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + url, "--spring.datasource.username=" + user,
                "--spring.datasource.password="));
        if (schema != null) {
            args.add("--spring.datasource.hikari.schema=" + schema);
            args.add("--spring.flyway.schemas=" + schema);
        }
        return args;
    }

    /** The test's own connection to the store. */
    public JdbcClient jdbc() {
        return jdbc;
    }

    @Override
    public void close() throws SQLException {
        if (schema != null) {
            execute(url, user, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } else {
            execute(LOCAL_SERVER + "postgres", LOCAL_USER, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }

    private static void execute(String url, String user, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
