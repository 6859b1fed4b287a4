package dev.gauntlet.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.harness.run.FarmControl;
import dev.gauntlet.mesh.Mesh;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a run's timeline while it goes (the mesh's marker events as they happen and a metrics snapshot each second)
 * into its folder, as the AAM does for its runs and {@code gauntlet run} for its in-process mesh; then
 * {@link #embedInReport} puts it into that folder's report.html.
 */
public final class TimelineRecording implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TimelineRecording.class);

    private final RunTimeline timeline;
    private final Runnable unsubscribe;
    private final Thread seconds;

    TimelineRecording(Mesh mesh, RunTimeline timeline, Supplier<Object> snapshot) {
        this.timeline = timeline;
        this.unsubscribe = mesh.events().subscribe(e -> {
            if (RunTimeline.keeps(e.type())) timeline.event(Json.event(e));
        });
        this.seconds = Thread.ofVirtual().name("run-timeline-seconds").start(() -> recordSeconds(snapshot));
    }

    /** Starts recording into {@code dir}'s timeline file the mesh's events and, once a second, its metrics snapshot. */
    public static TimelineRecording start(Mesh mesh, Path dir) {
        return new TimelineRecording(mesh, new RunTimeline(dir), snapshotOf(mesh, new MeshDlq(mesh)));
    }

    /** What the live charts are drawn from each second: the metrics snapshot and the DLQ counts. */
    static Supplier<Object> snapshotOf(Mesh mesh, DlqBackend dlq) {
        return () -> {
            Map<String, Object> out = Json.fields(mesh.metrics().snapshot());
            try {
                out.put("dlq", dlq.stats());
            } catch (ApiError unavailable) {
                out.put("dlq", null); // a server without a DLQ still streams its metrics
            }
            return out;
        };
    }

    /** A {@code run} event (started, phase, finished) as the timeline and the event stream carry it. */
    public static Map<String, Object> runEvent(
            Instant at,
            String run,
            String scenario,
            String what,
            String phase,
            String chaos,
            String state,
            String stopReason) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "run");
        e.put("at", at.toString());
        e.put("run", run);
        e.put("scenario", scenario);
        e.put("what", what);
        e.put("phase", phase);
        e.put("chaos", chaos);
        e.put("state", state);
        e.put("stop_reason", stopReason);
        return e;
    }

    /** The farm's chaos changes since {@code started} (less 2 s: the first phase's may come just before), as chaos events. */
    public static List<Map<String, Object>> chaosHistory(FarmControl farm, Instant started) {
        var out = new ArrayList<Map<String, Object>>();
        Instant from = started.minusSeconds(2);
        for (JsonNode h : farm.chaosStatus().path("history")) {
            Instant at = Instant.parse(h.path("at").asText());
            if (at.isBefore(from)) continue;
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", "chaos");
            e.put("at", at.toString());
            e.put("level", h.path("level").asText());
            e.put("services", Json.MAPPER.convertValue(h.path("services"), List.class));
            e.put(
                    "duration_s",
                    h.path("duration_s").isNumber() ? h.path("duration_s").numberValue() : null);
            out.add(e);
        }
        return out;
    }

    /** The chaos event of the farm turned back to calm at the end of a run. */
    public static Map<String, Object> calmEvent(Instant at, String reason) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "chaos");
        e.put("at", at.toString());
        e.put("level", "calm");
        e.put("services", List.of());
        e.put("reason", reason);
        return e;
    }

    /** Records one event (a map with {@code type} and {@code at}). */
    public void event(Map<String, Object> event) {
        timeline.event(event);
    }

    /** Stops the once-a-second snapshots (events are still recorded until {@link #close}). */
    public void stopSeconds() {
        seconds.interrupt();
    }

    /** Stops recording and closes the file. */
    @Override
    public void close() {
        stopSeconds();
        unsubscribe.run();
        try {
            seconds.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timeline.close();
    }

    /**
     * Puts the timeline recorded in {@code dir} into its report.html (the control room's charts and markers, readable
     * from a file with no server); false, and the report untouched, without a timeline or a built UI.
     */
    public static boolean embedInReport(Path dir) {
        return ReportTimeline.embed(dir);
    }

    private void recordSeconds(Supplier<Object> snapshot) {
        long next = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                timeline.metrics(snapshot.get());
            } catch (RuntimeException e) {
                LOG.debug("timeline snapshot failed: {}", e.toString());
            }
            next += 1_000_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
