package dev.gauntlet.mesh.internal.store.postgres;

import dev.gauntlet.mesh.internal.store.WriteBehind;
import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.store.StoreContract;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** The store contract on PostgreSQL: a database of the class's own, a schema per test (events written at once, as asserted). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresStoreContractTest extends StoreContract {
    PostgresTestDatabase database;

    @BeforeAll
    void createDatabase() {
        database = new PostgresTestDatabase("gauntlet_contract");
    }

    @AfterAll
    void dropDatabase() {
        if (database != null) database.close();
    }

    @Override
    protected Store open() {
        return open(Retention.DEFAULT);
    }

    @Override
    protected Store open(Retention retention) {
        return PostgresStore.open(
                database.freshSchema(), retention, InstantSource.system(), WriteBehind.Settings.DEFAULT);
    }
}
