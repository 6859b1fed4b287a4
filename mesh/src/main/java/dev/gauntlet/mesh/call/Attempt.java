package dev.gauntlet.mesh.call;

import java.time.Instant;

/**
 * One try at the upstream within a logical call.
 *
 * @param number     the try's number within its call, from 1 (a DLQ replay is a new call: its tries count from 1 again)
 * @param errorClass null when the attempt succeeded
 * @param status     HTTP status, 0 when none came back
 * @param replay     which call of a parked write it belongs to: 0 the original call, 1..n its replays (0 outside the DLQ)
 */
public record Attempt(
        int number, Instant at, long durationMs, int status, ErrorClass errorClass, String message, int replay) {

    /** An attempt of an original call (replay 0), as the transport records it. */
    public Attempt(int number, Instant at, long durationMs, int status, ErrorClass errorClass, String message) {
        this(number, at, durationMs, status, errorClass, message, 0);
    }

    public boolean succeeded() {
        return errorClass == null;
    }

    /** The same attempt as part of replay {@code n} of a parked write. */
    public Attempt inReplay(int n) {
        return n == replay ? this : new Attempt(number, at, durationMs, status, errorClass, message, n);
    }
}
