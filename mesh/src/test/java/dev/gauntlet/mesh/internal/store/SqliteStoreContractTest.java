package dev.gauntlet.mesh.internal.store;

import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.store.StoreContract;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on SQLite: one file per test in a temporary folder. */
class SqliteStoreContractTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    protected Store open() {
        return open(Retention.DEFAULT);
    }

    @Override
    protected Store open(Retention retention) {
        return SqliteStore.open(dir.resolve(UUID.randomUUID().toString()), retention);
    }
}
