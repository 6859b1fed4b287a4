package dev.gauntlet.mesh.dlq;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The store slice for the dead-letter queue. Claims are atomic, so several replayers (threads, or nodes over
 * PostgreSQL with {@code FOR UPDATE SKIP LOCKED}) never replay one entry twice at once.
 */
public interface DlqRepository {

    void insertEntry(DlqEntry entry);

    Optional<DlqEntry> entry(String id);

    /** Replaces the entry's changing fields (attempts, class, error, state, flag, replays, next replay, updated). */
    void updateEntry(DlqEntry entry);

    /**
     * Atomically moves up to {@code limit} pending entries due at {@code now} of one connector ({@code null} for any) to
     * replaying, oldest due first, and returns them: entries of unknown outcome when {@code unknownOutcome} (to be read
     * back, see {@link OutcomeCheck}), the others when not.
     */
    List<DlqEntry> claimDue(String connector, Instant now, int limit, boolean unknownOutcome);

    /** {@link #claimDue(String, Instant, int, boolean)} of the entries to replay (not of unknown outcome). */
    default List<DlqEntry> claimDue(String connector, Instant now, int limit) {
        return claimDue(connector, now, limit, false);
    }

    /** Moves an entry from one of {@code from} to {@code to}; false when it was in another state (someone else won). */
    boolean transition(String id, Set<DlqState> from, DlqState to, Instant at);

    /** Claims left in replaying since before {@code olderThan} (a replayer that stopped) go back to pending. */
    int releaseClaims(Instant olderThan, Instant at);

    List<DlqEntry> entries(DlqFilter filter);

    /**
     * The connector's pending or replaying entry of a write with this key - or with a key it was given after its
     * first was spent ({@code key~r1}, {@code key~r2}, see {@code IdempotencyKeys.next}) - if one waits (the newest
     * when several do).
     */
    Optional<DlqEntry> openEntry(String connector, String key);

    /** How many entries are in each state (every state present, zero when none). */
    Map<DlqState, Long> countEntries();

    /** When the oldest pending entry was parked. */
    Optional<Instant> oldestPending();
}
