package dev.gauntlet.mesh.dlq;

import java.time.Duration;

/**
 * The DLQ at a glance: entries per state, replays this process made ({@code processed}) and how many of them failed,
 * and the age of the oldest pending entry (zero when none).
 */
public record DlqStats(
        long pending,
        long replaying,
        long succeeded,
        long dead,
        long discarded,
        long processed,
        long failed,
        Duration oldestPendingAge) {}
