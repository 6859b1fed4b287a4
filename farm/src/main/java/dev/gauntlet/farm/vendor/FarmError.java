package dev.gauntlet.farm.vendor;

import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.limit.LimitDecision;

/**
 * An error to render in a vendor's envelope.
 *
 * @param status  the status to use where the vendor's status depends on the case (5xx), else 0
 * @param field   the parameter at fault, or null
 * @param limit   the rate-limit state for RATE_LIMITED (wait time, reset), else null
 * @param code    a vendor error code chosen by the caller (e.g. refresh_token_already_used), or null
 * @param duplicate for CONFLICT: the unique value that is taken and the record that holds it, else null
 */
public record FarmError(
        ErrorKind kind,
        String message,
        int status,
        String field,
        LimitDecision limit,
        String code,
        Duplicate duplicate) {

    /** A unique value a write tried to use twice: vendors name the field, the value and the record holding it. */
    public record Duplicate(String resource, String field, String value, String existingId) {}

    public FarmError(ErrorKind kind, String message, int status, String field, LimitDecision limit, String code) {
        this(kind, message, status, field, limit, code, null);
    }

    /** A write refused by a unique index. */
    public static FarmError conflict(ResourceStore.UniqueViolation v) {
        return new FarmError(
                ErrorKind.CONFLICT,
                v.getMessage(),
                409,
                v.field(),
                null,
                null,
                new Duplicate(v.resource(), v.field(), v.value(), v.existingId()));
    }

    public static FarmError of(ErrorKind kind, String message) {
        return new FarmError(kind, message, 0, null, null, null);
    }

    public static FarmError server(int status) {
        return new FarmError(
                ErrorKind.SERVER_ERROR,
                "An unexpected error occurred (injected by the farm).",
                status,
                null,
                null,
                null);
    }

    public static FarmError limited(LimitDecision limit) {
        return new FarmError(
                ErrorKind.RATE_LIMITED,
                "Rate limit exceeded; retry after " + limit.retryAfterSeconds() + " s.",
                429,
                null,
                limit,
                null);
    }

    public static FarmError badInput(String field, String message) {
        return new FarmError(ErrorKind.BAD_REQUEST, message, 400, field, null, null);
    }

    public FarmError withCode(String newCode) {
        return new FarmError(kind, message, status, field, limit, newCode, duplicate);
    }
}
