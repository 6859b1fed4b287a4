package dev.gauntlet.mesh.dlq;

import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parked write with everything needed to replay and to understand it.
 *
 * @param headers        the request's headers, secrets removed ({@link dev.gauntlet.mesh.call.Secrets})
 * @param attempts       the attempts kept, oldest first: the live call's (replay 0), then each replay's (its
 *                       {@link Attempt#replay()} number); past {@link #MAX_ATTEMPTS_KEPT} the first
 *                       {@link #FIRST_ATTEMPTS_KEPT} and the newest are kept
 * @param attemptsOmitted attempts left out between the first and the newest kept ones (0: the history is whole)
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
        int attemptsOmitted,
        ErrorClass errorClass,
        String lastError,
        int schemaVersion,
        DlqState state,
        boolean unknownOutcome,
        int replays,
        Instant nextReplayAt,
        Instant createdAt,
        Instant updatedAt) {

    /**
     * 2: each attempt carries its replay number. Entries of version 1 numbered attempts per call only; read back, their
     * replays are told apart where an attempt's number starts again at or below the one before.
     */
    public static final int SCHEMA_VERSION = 2;
    /** Most attempts an entry keeps (an entry replayed ten times with six attempts each stays readable). */
    public static final int MAX_ATTEMPTS_KEPT = 200;
    /** Of those, the first ones always kept: the original call's story (why the write was parked). */
    public static final int FIRST_ATTEMPTS_KEPT = 20;

    public DlqEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(state, "state");
        if (attemptsOmitted < 0)
            throw new IllegalArgumentException("attemptsOmitted must be >= 0, was " + attemptsOmitted);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
        if (schemaVersion < 2) attempts = numberReplays(attempts);
    }

    /** An entry with its whole attempt history (nothing omitted). */
    public DlqEntry(
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
        this(
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
                attempts,
                0,
                errorClass,
                lastError,
                schemaVersion,
                state,
                unknownOutcome,
                replays,
                nextReplayAt,
                createdAt,
                updatedAt);
    }

    /** Every attempt the write has had, the omitted ones included. */
    public int attemptCount() {
        return attempts.size() + attemptsOmitted;
    }

    /** The replay number the next replay's attempts get: one more than the newest kept (which is never omitted). */
    public int nextReplay() {
        int max = 0;
        for (Attempt a : attempts) max = Math.max(max, a.replay());
        return max + 1;
    }

    /**
     * This entry with a replay's attempts added under the next replay number; past {@link #MAX_ATTEMPTS_KEPT} the ones
     * after the first {@link #FIRST_ATTEMPTS_KEPT} go first, and are counted in {@link #attemptsOmitted}.
     */
    public DlqEntry withReplayAttempts(List<Attempt> replay) {
        if (replay.isEmpty()) return this;
        int n = nextReplay();
        var all = new ArrayList<Attempt>(attempts.size() + replay.size());
        all.addAll(attempts);
        for (Attempt a : replay) all.add(a.inReplay(n));
        int omitted = attemptsOmitted;
        if (all.size() > MAX_ATTEMPTS_KEPT) {
            int drop = all.size() - MAX_ATTEMPTS_KEPT;
            all.subList(FIRST_ATTEMPTS_KEPT, FIRST_ATTEMPTS_KEPT + drop).clear();
            omitted += drop;
        }
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
                all,
                omitted,
                errorClass,
                lastError,
                schemaVersion,
                state,
                unknownOutcome,
                replays,
                nextReplayAt,
                createdAt,
                updatedAt);
    }

    /**
     * Replay numbers for attempts stored before they carried one (schema 1): a number at or below the one before starts
     * the next replay. Attempts that carry a number keep it. (Where the old cap had dropped the first attempts, the
     * first kept ones are taken for the original call's.)
     */
    static List<Attempt> numberReplays(List<Attempt> attempts) {
        List<Attempt> out = null;
        int replay = 0;
        Attempt prev = null;
        for (int i = 0; i < attempts.size(); i++) {
            Attempt a = attempts.get(i);
            if (a.replay() > 0) replay = a.replay();
            else if (prev != null && a.number() <= prev.number()) replay++;
            Attempt numbered = a.inReplay(replay);
            if (numbered != a && out == null) out = new ArrayList<>(attempts.subList(0, i));
            if (out != null) out.add(numbered);
            prev = a;
        }
        return out == null ? attempts : List.copyOf(out);
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
                attemptsOmitted,
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

    /** A copy after a replay or a state change (the omitted count stays: {@code newAttempts} are this entry's kept ones). */
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
                attemptsOmitted,
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
