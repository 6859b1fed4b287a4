package dev.gauntlet.mesh.auth;

import java.time.Instant;

/**
 * One OAuth session's tokens as every node of a store sees them: the access token, its lifetime and the refresh token
 * to send next, written together under one version so a node never keeps a new access token with a spent refresh
 * token (or the other way round).
 *
 * @param issuedAt     when the node that minted it sent the token request (its clock)
 * @param expiresAt    when the access token stops working, by that node's clock
 * @param refreshToken the refresh token to send next, or null when none is held (the primary grant starts a new
 *                     session)
 * @param version      the row's version: 0 for a value not written yet; bumped by every write, it is the fence a
 *                     refresh compares and sets
 */
public record SharedToken(String accessToken, Instant issuedAt, Instant expiresAt, String refreshToken, long version) {

    /** Rejects a record no node could use, naming the field. */
    public SharedToken {
        if (accessToken == null || accessToken.isBlank())
            throw new IllegalArgumentException("accessToken must not be blank");
        if (issuedAt == null) throw new IllegalArgumentException("issuedAt must not be null");
        if (expiresAt == null) throw new IllegalArgumentException("expiresAt must not be null");
        if (expiresAt.isBefore(issuedAt))
            throw new IllegalArgumentException("expiresAt must not be before issuedAt, was " + expiresAt);
        if (version < 0) throw new IllegalArgumentException("version must be ≥ 0, was " + version);
        if (refreshToken != null && refreshToken.isBlank()) refreshToken = null;
    }

    /** The same tokens at another version (what a store answers after writing it). */
    public SharedToken withVersion(long newVersion) {
        return new SharedToken(accessToken, issuedAt, expiresAt, refreshToken, newVersion);
    }

    /** The same access token with another refresh token (null: none held any more). */
    public SharedToken withRefreshToken(String newRefreshToken) {
        return new SharedToken(accessToken, issuedAt, expiresAt, newRefreshToken, version);
    }

    /** Not part of toString: the tokens are secrets. */
    @Override
    public String toString() {
        return "SharedToken[version=" + version + ", issuedAt=" + issuedAt + ", expiresAt=" + expiresAt
                + ", refreshToken=" + (refreshToken == null ? "none" : "held") + "]";
    }
}
