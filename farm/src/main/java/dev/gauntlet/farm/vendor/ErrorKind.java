package dev.gauntlet.farm.vendor;

/** The situations every vendor answers with an error; each flavour maps them to its own status and envelope. */
public enum ErrorKind {
    /** No credential at all. */
    AUTH_MISSING,
    /** A credential the service does not know (wrong key, unknown token, wrong client secret). */
    AUTH_INVALID,
    /** A token that was valid and has expired or been revoked. */
    AUTH_EXPIRED,
    /** The client's request limit is used up. */
    RATE_LIMITED,
    /** An injected 5xx; the status comes with the error. */
    SERVER_ERROR,
    /** Malformed body or a bad parameter. */
    BAD_REQUEST,
    /** No such record or path. */
    NOT_FOUND,
    /** The path exists, the method does not. */
    METHOD_NOT_ALLOWED,
    /** Body over the service's limit. */
    PAYLOAD_TOO_LARGE,
    /** An idempotency key reused with other parameters. */
    IDEMPOTENCY_MISMATCH,
    /** An idempotency key whose first request is still running. */
    IDEMPOTENCY_IN_FLIGHT,
    /** A token request the token endpoint refuses (bad grant, spent refresh token). */
    INVALID_GRANT,
    /** A write that would give a unique field (a unique column, index or external id) a value another record holds. */
    CONFLICT
}
