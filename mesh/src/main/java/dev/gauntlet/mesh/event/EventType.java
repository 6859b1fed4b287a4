package dev.gauntlet.mesh.event;

/**
 * Every kind of {@link MeshEvent}, one constant per event record; a constant's name is the event's wire name (the
 * {@code type} on the event stream, in the store and in reports), so this enum is the one list the UI checks against.
 */
public enum EventType {
    circuit_transition(CircuitTransition.class),
    replay_circuit_transition(ReplayCircuitTransition.class),
    rate_adjusted(RateAdjusted.class),
    limit_learned(LimitLearned.class),
    token_refreshed(TokenRefreshed.class),
    token_refresh_failed(TokenRefreshFailed.class),
    retry_scheduled(RetryScheduled.class),
    retry_gave_up(RetryGaveUp.class),
    retry_budget_exhausted(RetryBudgetExhausted.class),
    dead_lettered(DeadLettered.class),
    replay_succeeded(ReplaySucceeded.class),
    outcome_settled(OutcomeSettled.class),
    replay_failed(ReplayFailed.class),
    entry_dead(EntryDead.class),
    entry_discarded(EntryDiscarded.class),
    write_read_back(WriteReadBack.class),
    drift_detected(DriftDetected.class);

    private final Class<? extends MeshEvent> record;

    EventType(Class<? extends MeshEvent> record) {
        this.record = record;
    }

    /** The record that carries events of this type. */
    public Class<? extends MeshEvent> record() {
        return record;
    }
}
