package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshResponse;
import java.time.Duration;

/** What one pass down the chain produced: a response, or a classified failure. Decisions are values, not exceptions. */
public sealed interface Outcome permits Outcome.Success, Outcome.Failure {

    /** The upstream answered with a success status. */
    record Success(MeshResponse response) implements Outcome {}

    /**
     * A classified failure.
     *
     * @param retryAfter the upstream's wait (Retry-After or reset header), or null when it said none
     * @param response   the upstream's answer when there was one (4xx/5xx), else null
     */
    record Failure(ErrorClass errorClass, int status, String message, Duration retryAfter, MeshResponse response)
            implements Outcome {
        public static Failure of(ErrorClass errorClass, String message) {
            return new Failure(errorClass, 0, message, null, null);
        }

        /**
         * A 409 classified as retryable: the upstream (Stripe's {@code idempotency_key_in_use}) or the mesh's own
         * idempotency stage says another send with this key is in progress. Nothing failed; ask again later.
         */
        public boolean inProgress() {
            return status == 409 && errorClass == ErrorClass.server_error;
        }
    }

    default boolean isSuccess() {
        return this instanceof Success;
    }
}
