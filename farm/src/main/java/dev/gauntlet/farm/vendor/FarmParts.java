package dev.gauntlet.farm.vendor;

import dev.gauntlet.farm.ledger.Ledger;
import java.time.InstantSource;

/** The farm-wide parts a route handler may use: the clock, the seed, the ledger and injected waits. */
public interface FarmParts {

    /** The farm's seed; vendors derive stable fake values (timestamps, ids) from it. */
    long seed();

    /** The farm's clock (injected in tests). */
    InstantSource clock();

    /** The ground-truth log of committed writes. */
    Ledger ledger();

    /** Waits up to the given time, returning early (false) when the farm stops. */
    boolean pause(long millis);
}
