package dev.gauntlet.server;

/**
 * A refusal the API answers with a JSON body {@code {"error","field","message"}}: thrown by handlers, mapped to its
 * status in one place ({@link AamServer}).
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String error;
    private final String field;

    public ApiError(int status, String error, String field, String message) {
        super(message);
        this.status = status;
        this.error = error;
        this.field = field;
    }

    /** 400: a field of the request is missing or not what was expected. */
    public static ApiError badRequest(String field, String message) {
        return new ApiError(400, "bad_request", field, message);
    }

    public static ApiError notFound(String what, String id, Object known) {
        return new ApiError(
                404, "not_found", null, "no " + what + " '" + id + "'" + (known == null ? "" : "; known: " + known));
    }

    public static ApiError conflict(String error, String message) {
        return new ApiError(409, error, null, message);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    /** The request field at fault, or null when none is. */
    public String field() {
        return field;
    }
}
