package dev.gauntlet.mesh;

import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.internal.dlq.DeadLetters;
import dev.gauntlet.mesh.internal.idempotency.InFlightWrites;
import dev.gauntlet.mesh.limit.SharedBuckets;
import dev.gauntlet.mesh.metrics.MeshMetrics;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.time.TimeSource;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * What every connector of one mesh shares: time (injected: the clock, durations and every wait), the event bus, the
 * store and the one JDK HttpClient (never a client per call), the dead-letter queue, the live metrics, and the writes
 * in flight in this process; the rate-limit buckets shared with other nodes ({@code buckets}, null: in this process);
 * how long a write may stay in flight before any node's recovery takes it for one a stopped process left behind
 * ({@code recoverAfter}: the lease each send renews, see {@code SendFenceStage}).
 */
public record MeshContext(
        TimeSource time,
        EventBus events,
        Store store,
        HttpClient http,
        DeadLetters deadLetters,
        MeshMetrics metrics,
        InFlightWrites inFlight,
        SharedBuckets buckets,
        Duration recoverAfter) {

    /** The default {@link #recoverAfter}: longer than the default call budget (30 s), so a live call on another node is never taken for a crashed one. */
    public static final Duration RECOVER_AFTER = Duration.ofMinutes(2);

    /** With the default {@link #RECOVER_AFTER}. */
    public MeshContext(
            TimeSource time,
            EventBus events,
            Store store,
            HttpClient http,
            DeadLetters deadLetters,
            MeshMetrics metrics,
            InFlightWrites inFlight,
            SharedBuckets buckets) {
        this(time, events, store, http, deadLetters, metrics, inFlight, buckets, RECOVER_AFTER);
    }

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
