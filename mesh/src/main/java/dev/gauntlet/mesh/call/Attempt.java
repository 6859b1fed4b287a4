package dev.gauntlet.mesh.call;

import java.time.Instant;

/**
 * One try at the upstream within a logical call.
 *
 * @param errorClass null when the attempt succeeded
 * @param status     HTTP status, 0 when none came back
 */
public record Attempt(int number, Instant at, long durationMs, int status, ErrorClass errorClass, String message) {
    public boolean succeeded() {
        return errorClass == null;
    }
}
