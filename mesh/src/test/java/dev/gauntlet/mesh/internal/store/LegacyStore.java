package dev.gauntlet.mesh.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A store file as the hand-written migration runner made it before Flyway: its own {@code schema_version} table and
 * the old scripts (kept as test resources in {@code legacy-sqlite/}) applied up to a version.
 */
final class LegacyStore {
    static final List<String> MIGRATIONS =
            List.of("V1__init.sql", "V2__dlq_by_key.sql", "V3__store_probe_and_retention.sql");

    private LegacyStore() {}

    static void create(Path file, int upTo) throws IOException, SQLException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
                var s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            for (int v = 1; v <= upTo; v++) {
                String name = MIGRATIONS.get(v - 1);
                for (String statement : statements(resource("legacy-sqlite/" + name))) s.execute(statement);
                s.execute(
                        "INSERT INTO schema_version (version, name, applied_at) VALUES (" + v + ", '" + name + "', 0)");
            }
        }
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = LegacyStore.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IOException(path + " is missing from the test classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The old runner's splitter: a script cut at the semicolons ending its statements, without its comment lines. */
    static List<String> statements(String sql) {
        var out = new ArrayList<String>();
        var current = new StringBuilder();
        for (String line : sql.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("--")) continue;
            current.append(line).append('\n');
            if (t.endsWith(";")) {
                out.add(current.toString().strip().replaceAll(";$", ""));
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) out.add(current.toString().strip());
        return out;
    }
}
