package dev.gauntlet.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's timeline as it happens: each second's {@code metrics} snapshot (what the live charts are drawn from) and the
 * events the charts mark (run phases, chaos changes, breaker transitions, token refreshes, drift, parked writes),
 * appended as gzip-compressed JSON lines to {@code <data>/runs/<id>/timeline.ndjson.gz}. Bounded: past
 * {@link #MAX_SECONDS} lines of metrics only every n-th second is kept; markers that tell the story (run, chaos,
 * breaker, drift) up to {@link #MAX_MARKERS}; the frequent kinds (token refreshes, parked writes) up to
 * {@link #MAX_FREQUENT} each, since their rate is in the metrics anyway.
 */
final class RunTimeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunTimeline.class);
    static final String FILE = "timeline.ndjson.gz";
    static final int MAX_SECONDS = 3_700;
    static final int MAX_MARKERS = 20_000;
    static final int MAX_FREQUENT = 3_000;
    /** Event types kept whatever their number (up to {@link #MAX_MARKERS}): the few that mark a moment. */
    static final Set<String> MARKERS = Set.of("run", "chaos", "circuit_transition", "drift_detected");
    /** Event types kept up to {@link #MAX_FREQUENT} each: many a second under chaos. */
    static final Set<String> FREQUENT = Set.of(
            "token_refreshed", "token_refresh_failed", "dead_lettered", "retry_gave_up", "retry_budget_exhausted");

    private final Path file;
    private OutputStream out;
    private long seconds;
    private long kept;
    private long markers;
    private final Map<String, Long> frequent = new HashMap<>();
    private final Map<String, Long> dropped = new HashMap<>();

    /** Opens (creates) the run's timeline file; a timeline that cannot be written logs once and records nothing. */
    RunTimeline(Path dir) {
        this.file = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            // syncFlush: flush() pushes what was written into the file, so the timeline so far can be read during the
            // run.
            this.out = new GZIPOutputStream(Files.newOutputStream(file), 8192, true);
        } catch (IOException e) {
            LOG.warn("cannot record the timeline in {}: {}", file, e.getMessage());
            this.out = null;
        }
    }

    /** Records one second's metrics snapshot (thinned past {@link #MAX_SECONDS} lines). */
    synchronized void metrics(Object snapshot) {
        seconds++;
        long stride = 1 + seconds / MAX_SECONDS;
        if (seconds % stride != 0) return;
        kept++;
        write("metrics", snapshot);
    }

    /** True for the event types a timeline keeps (a cheap test before an event is turned into a map). */
    static boolean keeps(String type) {
        return MARKERS.contains(type) || FREQUENT.contains(type);
    }

    /** Records one event (a map with {@code type} and {@code at}) when its type is one the timeline keeps. */
    synchronized void event(Map<String, Object> event) {
        String type = String.valueOf(event.get("type"));
        if (MARKERS.contains(type)) {
            if (markers >= MAX_MARKERS) {
                dropped.merge(type, 1L, Long::sum);
                return;
            }
            markers++;
        } else if (FREQUENT.contains(type)) {
            long n = frequent.merge(type, 1L, Long::sum);
            if (n > MAX_FREQUENT) {
                dropped.merge(type, 1L, Long::sum);
                return;
            }
        } else {
            return;
        }
        write("event", event);
    }

    private void write(String kind, Object payload) {
        if (out == null) return;
        try {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put(kind, payload);
            out.write(Json.write(line).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        } catch (IOException | RuntimeException e) {
            LOG.warn("timeline {} stops recording: {}", file, e.toString());
            closeQuietly();
        }
    }

    /** Pushes what was recorded into the file, so {@link #read} sees it. */
    synchronized void flush() {
        if (out == null) return;
        try {
            out.flush();
        } catch (IOException e) {
            LOG.warn("cannot flush the timeline {}: {}", file, e.getMessage());
        }
    }

    /** What was left out to keep the timeline bounded, per event type ({@code metrics}: seconds thinned out). */
    synchronized Map<String, Long> dropped() {
        Map<String, Long> d = new LinkedHashMap<>(dropped);
        if (seconds > kept) d.put("metrics", seconds - kept);
        return d;
    }

    /** Ends the file with what was left out (so a finished run still says so), then closes it. */
    @Override
    public synchronized void close() {
        Map<String, Long> d = dropped();
        if (!d.isEmpty()) write("dropped", d);
        closeQuietly();
    }

    private void closeQuietly() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException e) {
            LOG.warn("cannot close the timeline {}: {}", file, e.getMessage());
        }
        out = null;
    }

    /** The recorded timeline of a run folder: {@code metrics} and {@code events}, oldest first (empty when none was kept). */
    static Map<String, Object> read(Path dir) {
        Path f = dir.resolve(FILE);
        List<JsonNode> metrics = new ArrayList<>();
        List<JsonNode> events = new ArrayList<>();
        JsonNode dropped = null;
        boolean truncated = false;
        if (Files.isRegularFile(f)) {
            // Inflate what is there first: a file still being written has no gzip trailer, and the inflater fails at
            // its
            // end; the lines before that are the timeline so far (a reader on top would lose what it had buffered).
            var text = new ByteArrayOutputStream();
            try (var in = new GZIPInputStream(Files.newInputStream(f))) {
                in.transferTo(text);
            } catch (EOFException stillOpen) {
                truncated = true;
            } catch (IOException e) {
                LOG.warn("cannot read the timeline {} to its end: {}", f, e.getMessage());
                truncated = true;
            }
            try (var lines = new BufferedReader(
                    new InputStreamReader(new ByteArrayInputStream(text.toByteArray()), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.isBlank()) continue;
                    JsonNode j;
                    try {
                        j = Json.MAPPER.readTree(line);
                    } catch (IOException partial) {
                        truncated = true; // the last line of a file still being written, or of a crashed server's
                        break;
                    }
                    if (j.has("metrics")) metrics.add(j.get("metrics"));
                    else if (j.has("event")) events.add(j.get("event"));
                    else if (j.has("dropped")) dropped = j.get("dropped");
                }
            } catch (IOException e) {
                truncated = true;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("metrics", metrics);
        out.put("events", events);
        out.put("complete", !truncated);
        out.put("dropped", dropped == null ? Map.of() : dropped);
        return out;
    }
}
