package dev.gauntlet.mesh.auth;

/** Why a token was fetched: the first one, ahead of expiry (or after it lapsed unused), or after the upstream said auth_expired. */
public enum RefreshTrigger {
    /** No token was held yet for the credential. */
    initial,
    /** Within the refresh margin before expiry, or past expiry on our clock: fetched before any call failed. */
    proactive,
    /** A call came back auth_expired (401, Salesforce INVALID_SESSION_ID, expired JWT). */
    reactive
}
