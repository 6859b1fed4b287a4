package dev.gauntlet.mesh.dlq;

/** Where a dead-lettered write stands. */
public enum DlqState {
    /** Waiting for its next replay (automatic unless its outcome is unknown). */
    pending,
    /** Claimed by a replayer, being sent now. */
    replaying,
    succeeded,
    /** Failed {@code maxReplays} replays, or refused by the upstream on replay; only a manual replay moves it. */
    dead,
    /** A person decided it must not be sent. */
    discarded
}
