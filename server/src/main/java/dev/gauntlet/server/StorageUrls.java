package dev.gauntlet.server;

import java.nio.file.Path;

/** Reads {@code --store} and {@code --limits}: today an SQLite file or nothing, and local buckets; others say so clearly. */
public final class StorageUrls {

    private StorageUrls() {}

    /**
     * Where the mesh keeps its state.
     *
     * @param sqlite the SQLite file, or null for memory only
     */
    public record Store(String url, Path sqlite) {
        public boolean inMemory() {
            return sqlite == null;
        }
    }

    /** Where rate-limit buckets live: {@code local} (this process) is the only kind so far. */
    public record Limits(String url) {}

    /**
     * {@code none} or {@code memory} (in memory), {@code sqlite:PATH} (a file); null means the default, which the
     * config resolves to {@code sqlite:<data>/mesh.db}. PostgreSQL and others: not supported yet.
     */
    public static Store store(String url) {
        if (url == null || url.isBlank()) return null;
        if (url.equals("none") || url.equals("memory")) return new Store("none", null);
        if (url.startsWith("sqlite:")) {
            String path = url.substring("sqlite:".length());
            if (path.startsWith("//")) path = path.substring(2);
            if (path.isBlank()) throw new IllegalArgumentException("--store sqlite:PATH needs a file path, e.g. sqlite:data/gauntlet.db, was '" + url + "'");
            return new Store(url, Path.of(path));
        }
        if (url.startsWith("postgresql:") || url.startsWith("postgres:") || url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--store " + url + ": PostgreSQL is not supported yet; use sqlite:PATH or none");
        }
        throw new IllegalArgumentException("--store must be sqlite:PATH or none, was '" + url + "'");
    }

    /** {@code null}, {@code local} or {@code none}; {@code redis://…} is not supported yet. */
    public static Limits limits(String url) {
        if (url == null || url.isBlank() || url.equals("local") || url.equals("none")) return new Limits("local");
        if (url.startsWith("redis://") || url.startsWith("rediss://")) {
            throw new IllegalArgumentException("--limits " + url + ": Redis-backed limits are not supported yet; leave --limits out (buckets in this process)");
        }
        throw new IllegalArgumentException("--limits must be local (or redis://HOST:PORT once supported), was '" + url + "'");
    }
}
