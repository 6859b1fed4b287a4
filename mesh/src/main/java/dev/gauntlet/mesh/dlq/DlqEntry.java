package dev.gauntlet.mesh.dlq;

import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parked write with everything needed to replay and to understand it.
 *
 * @param headers        the request's headers, secrets removed ({@link dev.gauntlet.mesh.call.Secrets})
 * @param attempts       every attempt: the live call's, then each replay's
 * @param errorClass     the failure that parked it or failed its last replay; null when recovered from a crash mid-call
 * @param schemaVersion  the version of this entry's stored form ({@link #SCHEMA_VERSION}), so later code can read old entries
 * @param unknownOutcome an ambiguous failure whose outcome the key cannot settle: read back where the vendor allows
 *                       (then replayed only when it is not there), else a person decides
 * @param replays        replays that reached the upstream (a replay short-circuited by an open breaker does not count)
 */
public record DlqEntry(
        String id,
        String connector,
        String tenant,
        String method,
        String path,
        Map<String, String> headers,
        byte[] body,
        String contentType,
        String idempotencyKey,
        String opId,
        List<Attempt> attempts,
        ErrorClass errorClass,
        String lastError,
        int schemaVersion,
        DlqState state,
        boolean unknownOutcome,
        int replays,
        Instant nextReplayAt,
        Instant createdAt,
        Instant updatedAt) {

    public static final int SCHEMA_VERSION = 1;

    public DlqEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(state, "state");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    /** The request to send again (with the idempotency header it was first sent with, when it had one). */
    public MeshRequest toRequest() {
        return new MeshRequest(method, path, headers, body, contentType, opId, tenant);
    }

    /** The same entry to be sent under a new key (its old one is spent on an answer the upstream saved). */
    public DlqEntry withKey(String key, Instant at) {
        return new DlqEntry(
                id,
                connector,
                tenant,
                method,
                path,
                headers,
                body,
                contentType,
                key,
                opId,
                attempts,
                errorClass,
                lastError,
                schemaVersion,
                state,
                unknownOutcome,
                replays,
                nextReplayAt,
                createdAt,
                at);
    }

    /** When the write was first sent: its first attempt, else when it was parked. */
    public Instant firstSentAt() {
        return attempts.isEmpty() ? createdAt : attempts.getFirst().at();
    }

    /** When the write was last sent (its newest attempt), else when it was parked: what a read-back's wait counts from. */
    public Instant lastSentAt() {
        Instant last = attempts.isEmpty() ? createdAt : attempts.getLast().at();
        return last.isAfter(createdAt) ? last : createdAt;
    }

    /** A copy still pending and of unknown outcome (for a read-back to settle), asked again at {@code next}. */
    public DlqEntry unknownUntil(Instant next, Instant at) {
        return with(attempts, errorClass, lastError, DlqState.pending, true, replays, next, at);
    }

    /** A copy after a replay or a state change. */
    public DlqEntry with(
            List<Attempt> newAttempts,
            ErrorClass newClass,
            String newError,
            DlqState newState,
            boolean unknown,
            int newReplays,
            Instant next,
            Instant at) {
        return new DlqEntry(
                id,
                connector,
                tenant,
                method,
                path,
                headers,
                body,
                contentType,
                idempotencyKey,
                opId,
                newAttempts,
                newClass,
                newError,
                schemaVersion,
                newState,
                unknown,
                newReplays,
                next,
                createdAt,
                at);
    }
}
