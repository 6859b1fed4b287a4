package dev.gauntlet.mesh.internal.store.postgres;

import dev.gauntlet.mesh.store.PostgresUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.UUID;

/**
 * A database of its own on the local PostgreSQL server (127.0.0.1:5432, user postgres, or {@code GAUNTLET_PG_URL}),
 * named with a random suffix, created by the test class and dropped after it; each store a test opens gets a schema
 * of its own in it, so tests run twice or side by side never meet.
 */
public final class PostgresTestDatabase implements AutoCloseable {
    public static final String SERVER =
            System.getenv().getOrDefault("GAUNTLET_PG_URL", "postgresql://127.0.0.1:5432/test?user=postgres");
    public final PostgresUrl url;

    public PostgresTestDatabase(String prefix) {
        PostgresUrl admin = PostgresUrl.parse(SERVER);
        String name =
                prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        exec(admin, "CREATE DATABASE " + name);
        this.url = admin.withDatabase(name);
    }

    /** A fresh schema in the database, and the URL whose connections work in it. */
    public PostgresUrl freshSchema() {
        String schema = "s_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        exec(url, "CREATE SCHEMA " + schema);
        var params = new LinkedHashMap<>(url.params());
        params.put("currentSchema", schema);
        return new PostgresUrl(url.host(), url.port(), url.database(), params);
    }

    static void exec(PostgresUrl on, String sql) {
        try (Connection c = DriverManager.getConnection(on.jdbcUrl());
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " on " + on.safe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        exec(PostgresUrl.parse(SERVER), "DROP DATABASE IF EXISTS " + url.database() + " WITH (FORCE)");
    }
}
