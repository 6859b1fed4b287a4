package dev.gauntlet.mesh.time;

import java.time.Duration;

/** Waits; injected beside an {@link java.time.InstantSource} so backoff and throttling are tested without sleeping. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    /** The real one: parks the (virtual) thread. */
    Sleeper SYSTEM = d -> {
        if (!d.isNegative() && !d.isZero()) Thread.sleep(d);
    };
}
