package dev.gauntlet.server;

import dev.gauntlet.mesh.limit.RedisUrl;
import dev.gauntlet.mesh.store.PostgresUrl;
import java.nio.file.Path;

/** Reads {@code --store} and {@code --limits}: an SQLite file, PostgreSQL or memory, and local or Redis buckets; others say so clearly. */
public final class StorageUrls {

    private StorageUrls() {}

    /**
     * Where the mesh keeps its state.
     *
     * @param url    as given ({@code none} for memory); a PostgreSQL URL may carry a password: show {@link #safe()}
     * @param sqlite the SQLite file, or null for PostgreSQL or memory only
     */
    public record Store(String url, Path sqlite) {
        /** The PostgreSQL database, or null when the store is not one. */
        public PostgresUrl postgres() {
            return PostgresUrl.isPostgres(url) ? PostgresUrl.parse(url) : null;
        }

        public boolean inMemory() {
            return sqlite == null && postgres() == null;
        }

        /** {@code sqlite}, {@code postgresql} or {@code memory}: what /health shows. */
        public String kind() {
            return sqlite != null ? "sqlite" : postgres() != null ? "postgresql" : "memory";
        }

        /** The URL without a password (for /health and logs). */
        public String safe() {
            PostgresUrl pg = postgres();
            return pg != null ? pg.safe() : url;
        }
    }

    /**
     * Where rate-limit buckets live: {@code local} (this process) or a Redis shared by the nodes.
     *
     * @param redis the Redis of shared limits (with its credentials), or null for buckets in this process
     */
    public record Limits(RedisUrl redis) {
        /** What /health and logs show: {@code local}, or the Redis URL without its password. */
        public String url() {
            return redis == null ? "local" : redis.toString();
        }

        /** {@code local} or {@code redis}: what /health shows. */
        public String kind() {
            return redis != null ? "redis" : "local";
        }
    }

    /**
     * {@code none} or {@code memory} (in memory), {@code sqlite:PATH} (a file), {@code postgresql://HOST[:PORT]/DB?user=U}
     * (also {@code postgres://}, {@code jdbc:postgresql://}, {@code user:password@HOST}; read by {@link PostgresUrl}); null
     * means the default, which the config resolves to {@code sqlite:<data>/mesh.db}.
     */
    public static Store store(String url) {
        if (url == null || url.isBlank()) return null;
        if (url.equals("none") || url.equals("memory")) return new Store("none", null);
        if (url.startsWith("sqlite:")) {
            String path = url.substring("sqlite:".length());
            if (path.startsWith("//")) path = path.substring(2);
            if (path.isBlank())
                throw new IllegalArgumentException(
                        "--store sqlite:PATH needs a file path, e.g. sqlite:data/gauntlet.db, was '" + url + "'");
            return new Store(url, Path.of(path));
        }
        if (url.startsWith("postgresql:") || url.startsWith("postgres:") || url.startsWith("jdbc:postgresql:")) {
            try {
                PostgresUrl.parse(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--store " + url + ": " + e.getMessage(), e);
            }
            return new Store(url, null);
        }
        throw new IllegalArgumentException(
                "--store must be sqlite:PATH, postgresql://HOST:PORT/DB?user=U or none, was '" + url + "'");
    }

    /**
     * {@code null}, {@code local} or {@code none} (this process), or
     * {@code redis[s]://[[USER]:PASSWORD@]HOST[:PORT][/DB][?prefix=NAME]} (read by {@link RedisUrl}).
     */
    public static Limits limits(String url) {
        if (url == null || url.isBlank() || url.equals("local") || url.equals("none")) return new Limits(null);
        if (RedisUrl.isRedis(url)) {
            RedisUrl redis;
            try {
                redis = RedisUrl.parse(url);
            } catch (IllegalArgumentException e) {
                // The parser's message never quotes the password; the URL as given might.
                throw new IllegalArgumentException("--limits: " + e.getMessage(), e);
            }
            return new Limits(redis);
        }
        throw new IllegalArgumentException(
                "--limits must be local or redis://[[USER]:PASSWORD@]HOST:PORT/DB?prefix=NAME (rediss:// for TLS), was '"
                        + url + "'");
    }
}
