package dev.gauntlet.mesh.internal.metrics;

import dev.gauntlet.mesh.metrics.ConnectorMetrics;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Times every logical call and counts it with its attempts (effective vs actual) and outcome class, lock-free (see
 * {@link ConnectorMetrics}); the connector's share of the mesh's {@code MeshMetrics}.
 */
public final class ObserveStage implements Stage {

    private final ConnectorMetrics metrics;
    /** Calls that entered the pipeline and have no outcome yet (a run waits for them before its checker reads the ledger). */
    private final LongAdder inFlight = new LongAdder();

    private final dev.gauntlet.mesh.time.TimeSource time;

    /**
     * @param metrics the connector's share of the mesh's metrics
     * @param time    what calls are timed by
     */
    public ObserveStage(ConnectorMetrics metrics, dev.gauntlet.mesh.time.TimeSource time) {
        this.metrics = metrics;
        this.time = time;
    }

    @Override
    public String name() {
        return "observe";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        // Latency by the time source's monotonic counter, as the transport times attempts: the clock gives instants
        // (and allocates one per read).
        long start = time.nanoTime();
        inFlight.increment();
        try {
            Outcome outcome = next.proceed(exchange);
            metrics.record(exchange.attempts(), outcome, time.nanoTime() - start);
            return outcome;
        } finally {
            inFlight.decrement();
        }
    }

    /** Calls, attempts and outcomes so far. */
    @Override
    public Map<String, Object> status() {
        var s = metrics.snapshot(Map.of());
        var out = new LinkedHashMap<String, Object>();
        out.put("calls", s.calls());
        out.put("in_flight", inFlight.sum());
        out.put("succeeded", s.succeeded());
        out.put("failed", s.failed());
        out.put("attempts", s.attempts());
        out.put("retries", s.retries());
        out.put("p99_ms", s.latency().p99Ms());
        return out;
    }
}
