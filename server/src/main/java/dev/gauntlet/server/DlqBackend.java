package dev.gauntlet.server;

import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * What the DLQ endpoints need from the mesh's dead-letter queue, in the mesh's own types ({@link DlqEntry},
 * {@link DlqFilter}); {@link DlqRoutes} decides how an entry is shown.
 */
public interface DlqBackend {

    /**
     * The result of replaying one entry.
     *
     * @param outcome succeeded, failed (still parked) or gone
     */
    record Replay(String id, String outcome, int status, String message) {}

    /** The entries the filter selects, newest first. */
    List<DlqEntry> list(DlqFilter filter);

    Optional<DlqEntry> get(String id);

    /** Replays one entry now; empty when there is no such entry. */
    Optional<Replay> replay(String id);

    /** Replays every pending entry (of one connector, or all when null). */
    List<Replay> replayAll(String connector);

    /**
     * {@link #replayAll(String)} with progress, for a background job: {@code total} is told how many entries it will go
     * through as soon as that is known, {@code each} every result as it comes.
     */
    default List<Replay> replayAll(String connector, IntConsumer total, Consumer<Replay> each) {
        List<Replay> all = replayAll(connector);
        total.accept(all.size());
        all.forEach(each);
        return all;
    }

    /** Drops an entry without replaying it; false when there is none. */
    boolean discard(String id);

    /** Depth and counts for the list header (e.g. pending, by connector). */
    Map<String, Object> stats();
}
