package dev.gauntlet.mesh.internal.auth;

import dev.gauntlet.mesh.event.RefreshTrigger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Counters and the latency histogram of one connector's token requests (HdrHistogram, microseconds). */
public final class RefreshMetrics {

    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private Histogram interval;
    final LongAdder refreshes = new LongAdder();
    final LongAdder proactive = new LongAdder();
    final LongAdder reactive = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder refreshTokenRefused = new LongAdder();
    final LongAdder authExpiredSeen = new LongAdder();
    final LongAdder refusedAfterRefresh = new LongAdder();
    final LongAdder waits = new LongAdder();
    final LongAdder adopted = new LongAdder();
    final LongAdder commitsRefused = new LongAdder();
    final LongAdder storeFallbacks = new LongAdder();
    final LongAdder storeWaits = new LongAdder();

    void success(RefreshTrigger trigger, long micros) {
        recorder.recordValue(Math.max(0, micros));
        refreshes.increment();
        if (trigger == RefreshTrigger.reactive) reactive.increment();
        else if (trigger == RefreshTrigger.proactive) proactive.increment();
    }

    void failure(long micros) {
        recorder.recordValue(Math.max(0, micros));
        failures.increment();
    }

    /** Every token request's latency since the start (the recorder's intervals folded into one histogram). */
    public synchronized Histogram latencies() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return total.copy();
    }

    public long refreshes() {
        return refreshes.sum();
    }

    public long proactiveRefreshes() {
        return proactive.sum();
    }

    public long reactiveRefreshes() {
        return reactive.sum();
    }

    public long failures() {
        return failures.sum();
    }
    /** Held refresh tokens the endpoint refused (spent or expired), each followed by the primary grant. */
    public long refreshTokenRefused() {
        return refreshTokenRefused.sum();
    }
    /** Attempts that came back auth_expired (before the stage's own retry). */
    public long authExpiredSeen() {
        return authExpiredSeen.sum();
    }
    /** Calls refused again right after a refresh and answered as invalid_creds. */
    public long refusedAfterRefresh() {
        return refusedAfterRefresh.sum();
    }
    /** Callers that waited for another caller's token request instead of sending their own. */
    public long waits() {
        return waits.sum();
    }

    /** Tokens another node minted, taken from the shared store instead of sending a token request. */
    public long adopted() {
        return adopted.sum();
    }
    /** Minted tokens whose commit the shared store refused (another node's newer token won). */
    public long commitsRefused() {
        return commitsRefused.sum();
    }
    /** Refreshes done without the shared store's fence because the store failed or the fence stayed taken. */
    public long storeFallbacks() {
        return storeFallbacks.sum();
    }

    /** Pauses of a refresh waiting for a shared store that answered "unavailable" (before it got the fence or fell back). */
    public long storeWaits() {
        return storeWaits.sum();
    }
}
