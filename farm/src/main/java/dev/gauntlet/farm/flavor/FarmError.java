package dev.gauntlet.farm.flavor;

import dev.gauntlet.farm.limit.LimitDecision;

/**
 * An error to render in a vendor's envelope.
 *
 * @param status  the status to use where the vendor's status depends on the case (5xx), else 0
 * @param field   the parameter at fault, or null
 * @param limit   the rate-limit state for RATE_LIMITED (wait time, reset), else null
 * @param code    a vendor error code chosen by the caller (e.g. refresh_token_already_used), or null
 */
public record FarmError(ErrorKind kind, String message, int status, String field, LimitDecision limit, String code) {

    public static FarmError of(ErrorKind kind, String message) {
        return new FarmError(kind, message, 0, null, null, null);
    }

    public static FarmError server(int status) {
        return new FarmError(ErrorKind.SERVER_ERROR, "An unexpected error occurred (injected by the farm).", status, null, null, null);
    }

    public static FarmError limited(LimitDecision limit) {
        return new FarmError(ErrorKind.RATE_LIMITED, "Rate limit exceeded; retry after " + limit.retryAfterSeconds() + " s.", 429, null, limit, null);
    }

    public static FarmError badInput(String field, String message) {
        return new FarmError(ErrorKind.BAD_REQUEST, message, 400, field, null, null);
    }

    public FarmError withCode(String newCode) {
        return new FarmError(kind, message, status, field, limit, newCode);
    }
}
