package dev.gauntlet.mesh.event;

import java.util.List;

/** Where published events are kept (bounded retention), so the UI and reports can show what happened after the fact. */
public interface EventLog {
    /** Keeps one event; its fields are stored as JSON. */
    void appendEvent(MeshEvent event);

    /** The newest events first, at most {@code limit}; {@code connector} null for every connector. */
    List<StoredEvent> recentEvents(String connector, int limit);
}
