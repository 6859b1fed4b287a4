package dev.gauntlet.mesh.store;

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
