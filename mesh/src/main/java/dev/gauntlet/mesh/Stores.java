package dev.gauntlet.mesh;

import dev.gauntlet.mesh.internal.limit.redis.RedisBuckets;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import dev.gauntlet.mesh.internal.store.SqliteStore;
import dev.gauntlet.mesh.limit.RedisUrl;
import dev.gauntlet.mesh.limit.SharedBuckets;
import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.Store;
import java.nio.file.Path;
import java.time.InstantSource;

/** The stores the mesh ships: SQLite on disk (durable), PostgreSQL, one in memory, and Redis for shared rate limits. Their classes are internal; this is their API. */
public final class Stores {

    /** The SQLite store's file name in its data folder. */
    public static final String SQLITE_FILE_NAME = SqliteStore.FILE_NAME;

    private Stores() {}

    /** A SQLite store in {@code dataDir}/{@value #SQLITE_FILE_NAME} (made when missing) with the default retention. */
    public static Store sqlite(Path dataDir) {
        return SqliteStore.open(dataDir);
    }

    /** A SQLite store in the given file, pruned by {@code retention} on {@code clock}'s time. */
    public static Store sqliteFile(Path file, Retention retention, InstantSource clock) {
        return SqliteStore.openFile(file, retention, clock);
    }

    /**
     * A PostgreSQL store, shared by every AAM node that opens the same database (DLQ claims, connectors, tokens), pruned
     * by {@code retention} on {@code clock}'s time; events and roll-ups are written behind the callers' threads.
     *
     * @throws dev.gauntlet.mesh.store.StoreException when the server cannot be reached or its schema is newer than this code
     */
    public static Store postgres(dev.gauntlet.mesh.store.PostgresUrl url, Retention retention, InstantSource clock) {
        return dev.gauntlet.mesh.internal.store.postgres.PostgresStore.open(
                url, retention, clock, dev.gauntlet.mesh.internal.store.WriteBehind.Settings.DEFAULT);
    }

    /**
     * Rate-limit buckets and learned limits shared in Redis by every node with the same URL and prefix. Never throws
     * when Redis is down: the node starts on its local share and joins when Redis answers.
     */
    public static SharedBuckets redisBuckets(RedisUrl url, InstantSource clock) {
        return new RedisBuckets(url, RedisBuckets.COMMAND_TIMEOUT, clock);
    }

    /** A store in memory (nothing survives the process), with the default retention. */
    public static Store memory() {
        return new MemoryStore();
    }
}
