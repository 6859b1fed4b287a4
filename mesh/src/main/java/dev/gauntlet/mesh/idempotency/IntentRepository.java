package dev.gauntlet.mesh.idempotency;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The store slice for write intents: recorded before the first attempt, completed after the call. */
public interface IntentRepository {

    /**
     * Records an intent as in flight; a second write with the same key (a retry by the caller, a DLQ replay) puts the
     * existing record back in flight and keeps its creation time.
     */
    void recordIntent(Intent intent);

    /** Moves an intent to {@code state}; false when there is no intent with that key. */
    boolean completeIntent(String key, IntentState state, Instant at);

    /**
     * Moves an intent to {@code state} at {@code at} only while it is in flight and still updated at {@code seen} -
     * as the caller last wrote or read it: a compare-and-set, the fence between a sender and whoever may take its
     * write over (crash recovery on any node, another send of the same key). {@code state} in flight renews the
     * lease. False when another party changed it since (or there is none). Times are compared as stored: callers
     * write whole milliseconds.
     */
    boolean moveIntent(String key, Instant seen, IntentState state, Instant at);

    Optional<Intent> intent(String key);

    /** In-flight intents last touched before {@code olderThan}, oldest first, at most {@code limit}. */
    List<Intent> staleIntents(Instant olderThan, int limit);
}
