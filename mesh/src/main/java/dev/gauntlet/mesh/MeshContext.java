package dev.gauntlet.mesh;

import dev.gauntlet.mesh.internal.dlq.DeadLetters;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.internal.idempotency.InFlightWrites;
import dev.gauntlet.mesh.metrics.MeshMetrics;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.time.Sleeper;
import java.net.http.HttpClient;
import java.time.InstantSource;

/**
 * What every connector of one mesh shares: time (injected), the sleeper, the event bus, the store and the one
 * JDK HttpClient (never a client per call), the dead-letter queue, the live metrics, and the writes in flight in this process.
 */
public record MeshContext(InstantSource clock, Sleeper sleeper, EventBus events, Store store, HttpClient http, DeadLetters deadLetters,
                          MeshMetrics metrics, InFlightWrites inFlight) {

    /** With fresh metrics counting this context's events. */
    public MeshContext(InstantSource clock, Sleeper sleeper, EventBus events, Store store, HttpClient http, DeadLetters deadLetters) {
        this(clock, sleeper, events, store, http, deadLetters, new MeshMetrics(clock, events));
    }

    /** With no write in flight yet in this process. */
    public MeshContext(InstantSource clock, Sleeper sleeper, EventBus events, Store store, HttpClient http, DeadLetters deadLetters,
                       MeshMetrics metrics) {
        this(clock, sleeper, events, store, http, deadLetters, metrics, new InFlightWrites());
    }
}
