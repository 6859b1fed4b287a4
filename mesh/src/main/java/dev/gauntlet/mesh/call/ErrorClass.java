package dev.gauntlet.mesh.call;

/** What went wrong with one attempt: the seed's six upstream error classes plus two outcomes of our own. */
public enum ErrorClass {
    /** 401, Salesforce INVALID_SESSION_ID, expired JWT: refresh the token, retry at once, once. */
    auth_expired,
    /** Refused credentials (401/403 after a fresh token, invalid_client, invalid_grant): never retried. */
    invalid_creds,
    /** 429; Salesforce 403 REQUEST_LIMIT_EXCEEDED; GitHub 403 with x-ratelimit-remaining 0: retried, not before the reset. */
    rate_limit,
    /** Connection refused or reset, end of stream before the answer, a truncated body. */
    network_error,
    /** 500, 502, 503, 504. */
    server_error,
    /** No answer within the attempt timeout. */
    timeout,
    /** Any other 4xx (validation, not found, idempotency mismatch): never retried. */
    client_error,
    /** Short-circuited by the breaker: no attempt was made. */
    circuit_open;

    /** Failures after which the upstream may or may not have carried the request out. */
    public boolean isAmbiguous() {
        return this == network_error || this == timeout;
    }
}
