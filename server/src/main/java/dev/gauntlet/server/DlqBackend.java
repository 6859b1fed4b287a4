package dev.gauntlet.server;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the DLQ endpoints need from the mesh's dead-letter queue. */
public interface DlqBackend {

    /**
     * A parked write as the API shows it.
     *
     * @param state          e.g. pending, replaying, done, discarded
     * @param unknownOutcome an ambiguous failure of a write without a key: it may have been committed
     */
    record Entry(String id, String connector, String method, String path, String opId, String errorClass, int attempts,
                 boolean unknownOutcome, Instant parkedAt, String state, String lastError) {}

    /**
     * The result of replaying one entry.
     *
     * @param outcome succeeded, failed (still parked) or gone
     */
    record Replay(String id, String outcome, int status, String message) {}

    /**
     * Which entries a listing shows; each of {@code connector}, {@code state} and {@code errorClass} is null for any.
     *
     * @param limit at most this many, newest first
     */
    record Filter(String connector, String state, String errorClass, int limit) {
        public static Filter of(String connector, int limit) {
            return new Filter(connector, null, null, limit);
        }
    }

    /** The entries the filter selects, newest first. */
    List<Entry> list(Filter filter);

    /** Every attempt of an entry, oldest first (the live call's, then each replay's); empty when not known. */
    default List<Map<String, Object>> history(String id) {
        return List.of();
    }

    Optional<Entry> get(String id);

    /** Replays one entry now; empty when there is no such entry. */
    Optional<Replay> replay(String id);

    /** Replays every pending entry (of one connector, or all when null). */
    List<Replay> replayAll(String connector);

    /**
     * {@link #replayAll(String)} with progress, for a background job: {@code total} is told how many entries it will go
     * through as soon as that is known, {@code each} every result as it comes.
     */
    default List<Replay> replayAll(String connector, java.util.function.IntConsumer total, java.util.function.Consumer<Replay> each) {
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
