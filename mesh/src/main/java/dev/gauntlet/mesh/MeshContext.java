package dev.gauntlet.mesh;

import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.internal.dlq.DeadLetters;
import dev.gauntlet.mesh.internal.idempotency.InFlightWrites;
import dev.gauntlet.mesh.limit.SharedBuckets;
import dev.gauntlet.mesh.metrics.MeshMetrics;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.time.TimeSource;
import java.net.http.HttpClient;

/**
 * What every connector of one mesh shares: time (injected: the clock, durations and every wait), the event bus, the
 * store and the one JDK HttpClient (never a client per call), the dead-letter queue, the live metrics, and the writes
 * in flight in this process; the rate-limit buckets shared with other nodes ({@code buckets}, null: in this process).
 */
public record MeshContext(
        TimeSource time,
        EventBus events,
        Store store,
        HttpClient http,
        DeadLetters deadLetters,
        MeshMetrics metrics,
        InFlightWrites inFlight,
        SharedBuckets buckets) {

    /** With buckets in this process (no {@code --limits redis://}). */
    public MeshContext(
            TimeSource time,
            EventBus events,
            Store store,
            HttpClient http,
            DeadLetters deadLetters,
            MeshMetrics metrics,
            InFlightWrites inFlight) {
        this(time, events, store, http, deadLetters, metrics, inFlight, null);
    }

    /** With fresh metrics counting this context's events. */
    public MeshContext(TimeSource time, EventBus events, Store store, HttpClient http, DeadLetters deadLetters) {
        this(time, events, store, http, deadLetters, new MeshMetrics(time, events));
    }

    /** With no write in flight yet in this process. */
    public MeshContext(
            TimeSource time,
            EventBus events,
            Store store,
            HttpClient http,
            DeadLetters deadLetters,
            MeshMetrics metrics) {
        this(time, events, store, http, deadLetters, metrics, new InFlightWrites());
    }
}
