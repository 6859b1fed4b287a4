package dev.gauntlet.mesh.drift;

/** What changed in an endpoint's response schema. */
public enum DriftKind {
    added, removed, renamed, retyped
}
