package dev.gauntlet.mesh.classify;

import java.util.Objects;

/**
 * Where a vendor says how long to wait, as data: a header and how to read it.
 *
 * @param rateLimitOnly read it only when the answer was classified rate_limit (reset headers ride on every answer,
 *                      where they mean "the bucket is full again then", not "wait")
 */
public record WaitHeader(String header, Format format, boolean rateLimitOnly) {

    /** How a wait header's value is written. */
    public enum Format {
        /** RFC 9110 Retry-After: delay-seconds or an HTTP-date. */
        RETRY_AFTER,
        /** The epoch second at which the limit resets (GitHub x-ratelimit-reset, IETF-draft X-RateLimit-Reset). */
        EPOCH_SECONDS,
        /** Seconds until the limit resets (Datadog X-RateLimit-Reset). */
        DELTA_SECONDS
    }

    public WaitHeader {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(format, "format");
    }
}
