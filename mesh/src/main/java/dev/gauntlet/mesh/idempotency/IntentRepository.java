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

    Optional<Intent> intent(String key);

    /** In-flight intents last touched before {@code olderThan}, oldest first, at most {@code limit}. */
    List<Intent> staleIntents(Instant olderThan, int limit);
}
