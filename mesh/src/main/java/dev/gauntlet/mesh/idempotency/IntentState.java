package dev.gauntlet.mesh.idempotency;

/** Where a keyed write stands: recorded before the first attempt, completed after the call. */
public enum IntentState {
    /** Recorded before the first attempt; still so after a crash mid-call (then resolved by replay). */
    in_flight,
    succeeded,
    /** The call failed and was not parked (the upstream refused it, or it was a read-only failure of another kind). */
    failed,
    /** The call failed and waits in the DLQ under the same key. */
    parked
}
