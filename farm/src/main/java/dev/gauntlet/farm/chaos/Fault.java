package dev.gauntlet.farm.chaos;

/**
 * What chaos does to one request: an optional fault, and the latency added to whatever answer goes out.
 *
 * @param type        the injected fault, or null for none
 * @param status      HTTP status for server_error (500, 502, 503, 504), 0 otherwise
 * @param afterCommit for socket faults and hangs: the request is carried out first and only the answer is lost,
 *                    the case that makes idempotency keys matter
 * @param delayMs     latency added before the answer (or before the fault strikes)
 */
public record Fault(FaultType type, int status, boolean afterCommit, long delayMs) {

    public static final Fault NONE = new Fault(null, 0, false, 0);

    public boolean isNone() {
        return type == null;
    }

    public boolean is(FaultType t) {
        return type == t;
    }

    /** Socket faults and hangs that strike before the request is carried out. */
    public boolean strikesBefore() {
        return type != null && (type.isNetwork() && !afterCommit);
    }

    /** HTTP faults are answered instead of the request; nothing is committed. */
    public boolean replacesAnswer() {
        return type == FaultType.server_error
                || type == FaultType.rate_limit
                || type == FaultType.lock_timeout
                || type == FaultType.auth_revoke;
    }
}
