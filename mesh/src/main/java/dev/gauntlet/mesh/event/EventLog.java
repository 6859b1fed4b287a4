package dev.gauntlet.mesh.event;

import java.util.List;

/** Where published events are kept (bounded retention), so the UI and reports can show what happened after the fact. */
public interface EventLog {
    /** Keeps one event; its fields are stored as JSON. */
    void appendEvent(MeshEvent event);

    /** Keeps several events at once (a store writes them in one transaction). */
    default void appendEvents(List<MeshEvent> batch) {
        for (MeshEvent e : batch) appendEvent(e);
    }

    /** The newest events first, at most {@code limit}; {@code connector} null for every connector. */
    List<StoredEvent> recentEvents(String connector, int limit);
}
