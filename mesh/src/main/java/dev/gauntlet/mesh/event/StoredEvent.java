package dev.gauntlet.mesh.event;

import java.time.Instant;

/** An event as the store keeps it: its type name and its fields as a JSON object. */
public record StoredEvent(long id, Instant at, String connector, String type, String json) {}
