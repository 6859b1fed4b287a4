package dev.gauntlet.mesh.call;

import java.util.List;

/** The one unchecked root of the mesh's public exceptions; subclasses say what happened and carry the context. */
public class MeshException extends RuntimeException {
    private final String connector;
    private final ErrorClass errorClass;
    private final List<Attempt> attempts;

    public MeshException(String connector, ErrorClass errorClass, List<Attempt> attempts, String message) {
        super(connector + ": " + message);
        this.connector = connector;
        this.errorClass = errorClass;
        this.attempts = List.copyOf(attempts);
    }

    public String connector() {
        return connector;
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    public List<Attempt> attempts() {
        return attempts;
    }

    /** The call failed and will not be tried again by the mesh (reads, unretryable errors, exhausted retries). */
    public static final class CallFailed extends MeshException {
        private final int status;

        public CallFailed(String connector, ErrorClass errorClass, List<Attempt> attempts, String message) {
            this(connector, errorClass, attempts, message, 0);
        }

        /** @param status the HTTP status of the final failure (the upstream's, or the mesh's own 409), 0 when none */
        public CallFailed(String connector, ErrorClass errorClass, List<Attempt> attempts, String message, int status) {
            super(connector, errorClass, attempts, message);
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** Another send of the same write is in progress (see {@link dev.gauntlet.mesh.pipeline.Outcome.Failure#inProgress}). */
        public boolean inProgress() {
            return status == 409 && errorClass() == ErrorClass.server_error;
        }
    }

    /** A write the mesh could not complete now; it waits in the dead-letter queue and will be replayed with its key. */
    public static final class DeadLettered extends MeshException {
        private final String dlqId;
        private final boolean unknownOutcome;

        public DeadLettered(
                String connector, ErrorClass errorClass, List<Attempt> attempts, String dlqId, boolean unknownOutcome) {
            super(
                    connector,
                    errorClass,
                    attempts,
                    (unknownOutcome ? "outcome unknown, " : "") + "parked in the DLQ as " + dlqId);
            this.dlqId = dlqId;
            this.unknownOutcome = unknownOutcome;
        }

        public String dlqId() {
            return dlqId;
        }
        /** An ambiguous failure (network, timeout) of a write without a key: it may or may not have been committed. */
        public boolean unknownOutcome() {
            return unknownOutcome;
        }
    }

    /**
     * Refused before anything was sent: the connector already serves {@code limit.max_tenants} distinct tenants and this
     * one is new.
     */
    public static final class TenantLimitExceeded extends MeshException {
        private final String tenant;
        private final int max;

        public TenantLimitExceeded(String connector, String tenant, int max) {
            super(
                    connector,
                    ErrorClass.client_error,
                    List.of(),
                    "tenant '" + tenant + "' refused: the connector serves its limit of " + max
                            + " distinct tenants already (limit.max_tenants)");
            this.tenant = tenant;
            this.max = max;
        }

        public String tenant() {
            return tenant;
        }

        public int max() {
            return max;
        }
    }
}
