package dev.gauntlet.mesh.event;

import java.time.Instant;

/**
 * A typed event: one record type per state change (token refreshed, rate adjusted, circuit opened, dead-lettered,
 * drift detected, call completed, …). Each package defines its own records; the UI, CLI and metrics subscribe.
 */
public interface MeshEvent {
    Instant at();

    String connector();

    /** Short type name for the event stream, e.g. "circuit_transition". */
    String type();
}
