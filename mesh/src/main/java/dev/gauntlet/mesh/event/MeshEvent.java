package dev.gauntlet.mesh.event;

import java.time.Instant;

/**
 * A typed event: one record type per state change (token refreshed, rate adjusted, circuit opened, dead-lettered,
 * drift detected, …), each named by one {@link EventType}. Sealed: the records live in this package, so a switch over
 * events is checked for completeness and the UI's list of types has one source. The UI, CLI, store and metrics subscribe.
 */
public sealed interface MeshEvent
        permits CircuitTransition,
                ReplayCircuitTransition,
                RateAdjusted,
                LimitLearned,
                TokenRefreshed,
                TokenRefreshFailed,
                RetryScheduled,
                RetryGaveUp,
                RetryBudgetExhausted,
                DeadLettered,
                ReplaySucceeded,
                OutcomeSettled,
                ReplayFailed,
                EntryDead,
                EntryDiscarded,
                WriteReadBack,
                DriftDetected {
    Instant at();

    String connector();

    /** What kind of event this is. */
    EventType eventType();

    /** The type's wire name for the event stream, the store and reports, e.g. "circuit_transition". */
    default String type() {
        return eventType().name();
    }
}
