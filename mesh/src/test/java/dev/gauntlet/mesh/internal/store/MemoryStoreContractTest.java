package dev.gauntlet.mesh.internal.store;

import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.store.StoreContract;

/** The store contract in memory. */
class MemoryStoreContractTest extends StoreContract {
    @Override
    protected Store open() {
        return new MemoryStore();
    }

    @Override
    protected Store open(Retention retention) {
        return new MemoryStore(retention);
    }

    @Override
    protected boolean prunesIntentsByCap() {
        return false;
    }
}
