package dev.gauntlet.mesh;

import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.MeshResponse;
import java.util.List;

/**
 * How one logical call through a connector ended, as a value: {@link Ok}, {@link Failed} or {@link Parked}, each with
 * every attempt made. {@link Connector#execute} returns it; {@link #orThrow()} turns it into the throwing form the
 * conveniences ({@code call}, {@code get}, {@code post}, …) use.
 */
public sealed interface CallResult permits CallResult.Ok, CallResult.Failed, CallResult.Parked {

    /** The connector's id. */
    String connector();

    /** Every try at the upstream, in order (empty when nothing was sent: an open circuit, a write answered from the DLQ). */
    List<Attempt> attempts();

    /** The upstream answered with a success status (possibly a stale cached read; see {@link MeshResponse#stale()}); the response carries the attempts too. */
    record Ok(String connector, MeshResponse response, List<Attempt> attempts) implements CallResult {
        public Ok {
            attempts = List.copyOf(attempts);
        }
    }

    /**
     * The call failed and the mesh will not try it again (reads, unretryable errors, exhausted retries).
     *
     * @param status   the HTTP status of the final failure (the upstream's, or the mesh's own 409), 0 when none came
     * @param response the upstream's answer when there was one (4xx/5xx), else null
     */
    record Failed(
            String connector,
            ErrorClass errorClass,
            int status,
            String message,
            MeshResponse response,
            List<Attempt> attempts)
            implements CallResult {
        public Failed {
            attempts = List.copyOf(attempts);
        }

        /** Another send of the same write is in progress: nothing failed, ask again later. */
        public boolean inProgress() {
            return status == 409 && errorClass == ErrorClass.server_error;
        }
    }

    /**
     * A write the mesh could not complete now: it waits in the dead-letter queue as {@code dlqId} and will be replayed
     * with its key; do not send it again.
     *
     * @param unknownOutcome an ambiguous failure (network, timeout) of a write without a key: it may have been committed
     */
    record Parked(
            String connector,
            ErrorClass errorClass,
            String message,
            String dlqId,
            boolean unknownOutcome,
            List<Attempt> attempts)
            implements CallResult {
        public Parked {
            attempts = List.copyOf(attempts);
        }
    }

    /** Whether the call succeeded. */
    default boolean ok() {
        return this instanceof Ok;
    }

    /**
     * The response (with its attempts), or the failure thrown as {@link MeshException.CallFailed} or
     * {@link MeshException.DeadLettered}.
     */
    default MeshResponse orThrow() {
        return switch (this) {
            case Ok o -> o.response();
            case Parked p ->
                throw new MeshException.DeadLettered(
                        p.connector(), p.errorClass(), p.attempts(), p.dlqId(), p.unknownOutcome());
            case Failed f ->
                throw new MeshException.CallFailed(
                        f.connector(), f.errorClass(), f.attempts(), f.errorClass() + ": " + f.message(), f.status());
        };
    }
}
