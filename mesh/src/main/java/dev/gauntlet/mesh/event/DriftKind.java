package dev.gauntlet.mesh.event;

/** What changed in an endpoint's response schema. */
public enum DriftKind {
    added,
    removed,
    renamed,
    retyped
}
