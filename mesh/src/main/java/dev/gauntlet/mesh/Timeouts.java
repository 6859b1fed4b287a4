package dev.gauntlet.mesh;

import java.time.Duration;

/**
 * @param connect  TCP connect timeout (set on the shared client)
 * @param attempt  one attempt's time to a full answer
 * @param total    the logical call's budget across every retry
 */
public record Timeouts(Duration connect, Duration attempt, Duration total) {
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30));

    public Timeouts {
        Checks.positive("timeouts.connect", connect);
        Checks.positive("timeouts.attempt", attempt);
        Checks.positive("timeouts.total", total);
        if (total.compareTo(attempt) < 0) throw new IllegalArgumentException("timeouts.total must be ≥ attempt, was " + total + " < " + attempt);
    }
}
