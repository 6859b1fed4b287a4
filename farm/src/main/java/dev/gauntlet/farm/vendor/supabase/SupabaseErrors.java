package dev.gauntlet.farm.vendor.supabase;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.spec.ResourceSpec;
import dev.gauntlet.farm.vendor.FarmError;
import java.util.LinkedHashMap;
import java.util.Map;

/** Supabase's error answers, each in the envelope of the part that gives it: the API gateway (Kong), PostgREST or GoTrue. */
final class SupabaseErrors {
    private SupabaseErrors() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** GoTrue's HTTPError as it goes over the wire. */
    static Reply gotrue(int status, String errorCode, String msg) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", status);
        body.put("error_code", errorCode);
        body.put("msg", msg);
        return Reply.json(status, body).header("x-sb-error-code", errorCode);
    }

    /** The answer to an error, in the envelope of the Supabase part that gives it: the gateway, PostgREST or GoTrue. */
    static Reply of(FarmError error) {
        return switch (error.kind()) {
            // The API gateway (Kong) answers before PostgREST or GoTrue see the request.
            case AUTH_MISSING ->
                error.message().startsWith("No API key")
                        ? gateway(
                                401,
                                "No API key found in request",
                                "No `apikey` request header or url param was found.")
                        // Not reached while the gateway forwards the apikey as the bearer; PostgREST's answer when anon
                        // is off.
                        : postgrest(401, "PGRST302", "Anonymous access is disabled", null, null)
                                .header("WWW-Authenticate", "Bearer");
            case AUTH_INVALID ->
                error.message().startsWith("Invalid API key")
                        ? gateway(
                                401, "Invalid API key", "Double check your Supabase `anon` or `service_role` API key.")
                        : postgrest(401, "PGRST301", "JWSError JWSInvalidSignature", null, null)
                                .header(
                                        "WWW-Authenticate",
                                        "Bearer error=\"invalid_token\", error_description=\"JWSError JWSInvalidSignature\"");
            // PostgREST 12 (what Supabase runs) answers an expired JWT with PGRST301 "JWT expired"; PostgREST 13 moved
            // JWT claim failures to PGRST303. Seen in the wild: rafaelwendel/phpsupabase#15. Revoked tokens look the
            // same.
            case AUTH_EXPIRED ->
                postgrest(401, "PGRST301", "JWT expired", null, null)
                        .header(
                                "WWW-Authenticate",
                                "Bearer error=\"invalid_token\", error_description=\"JWT expired\"");
            case RATE_LIMITED ->
                postgrest(
                                429,
                                "429",
                                "Too Many Requests",
                                error.message(),
                                "Wait for the time in Retry-After before retrying.")
                        .header(
                                "Retry-After",
                                error.limit() == null ? 1 : error.limit().retryAfterSeconds());
            case SERVER_ERROR -> serverError(error.status() == 0 ? 500 : error.status());
            case BAD_REQUEST ->
                postgrest(400, error.code() != null ? error.code() : "PGRST100", error.message(), null, null);
            case NOT_FOUND -> gateway(404, "no Route matched with those values", null);
            case METHOD_NOT_ALLOWED -> postgrest(405, "PGRST117", "Unsupported HTTP method", error.message(), null);
            case PAYLOAD_TOO_LARGE -> gateway(413, "Request size limit exceeded", null);
            case IDEMPOTENCY_MISMATCH -> postgrest(400, "idempotency_key_mismatch", error.message(), null, null);
            case IDEMPOTENCY_IN_FLIGHT -> postgrest(409, "idempotency_key_in_use", error.message(), null, null);
            case INVALID_GRANT -> tokenError(error);
            case CONFLICT ->
                uniqueViolation(
                                error.duplicate().resource(),
                                error.duplicate().field(),
                                error.duplicate().value())
                        .reply();
        };
    }

    /** 5xx as Supabase's parts produce them: PostgREST's pool errors for 503/504, the gateway's for 502. */
    static Reply serverError(int status) {
        return switch (status) {
            case 502 -> gateway(502, "An invalid response was received from the upstream server", null);
            case 503 -> postgrest(503, "PGRST001", "Database client error. Retrying the connection.", null, null);
            case 504 -> postgrest(504, "PGRST003", "Timed out acquiring connection from connection pool.", null, null);
            default -> postgrest(status, "XX000", "internal error (injected by the farm)", null, null);
        };
    }

    /** PostgREST's error body: every key present, null when empty. */
    static Reply postgrest(int status, String code, String message, String details, String hint) {
        ObjectNode body = F.objectNode();
        body.put("code", code);
        body.put("details", details);
        body.put("hint", hint);
        body.put("message", message);
        return Reply.json(status, body);
    }

    /** The API gateway's error body: {@code {"message"}} plus a hint where Kong gives one. */
    static Reply gateway(int status, String message, String hint) {
        ObjectNode body = F.objectNode();
        body.put("message", message);
        if (hint != null) body.put("hint", hint);
        return Reply.json(status, body);
    }

    /**
     * GoTrue's error body {@code {"code":<status>,"error_code","msg"}} with the code again in {@code x-sb-error-code}
     * (supabase/auth internal/api/errors.go, handleResponseErrorHTTP); {@link #gotrueVersioned} turns it into the
     * 2024-01-01 API shape when the client asks for that.
     */
    static Reply tokenError(FarmError error) {
        int status;
        String errorCode;
        String msg = error.message();
        switch (error.kind()) {
            case RATE_LIMITED -> {
                status = 429;
                errorCode = "over_request_rate_limit";
                msg = "Request rate limit reached";
            }
            case SERVER_ERROR -> {
                status = error.status() == 0 ? 500 : error.status();
                errorCode = "unexpected_failure";
            }
            case AUTH_INVALID -> {
                // A wrong email/password (client id/secret) is a 400 at GoTrue, not a 401.
                status = 400;
                errorCode = "invalid_credentials";
                msg = "Invalid login credentials";
            }
            case AUTH_MISSING -> {
                status = 400;
                errorCode = "validation_failed";
                msg = "missing email or phone";
            }
            case INVALID_GRANT -> {
                status = 400;
                errorCode = error.code() != null ? error.code() : "invalid_grant";
            }
            default -> {
                status = 400;
                errorCode = error.code() != null
                                && !error.code().startsWith("invalid_")
                                && !error.code().startsWith("unsupported_")
                        ? error.code()
                        : "validation_failed";
            }
        }
        Reply reply = gotrue(status, errorCode, msg);
        if (error.limit() != null) reply.header("Retry-After", error.limit().retryAfterSeconds());
        return reply;
    }

    /** A PostgREST error raised inside a handler; the handler turns it into the reply. */
    static final class PgError extends RuntimeException {
        final int status;
        final String code;
        final String details;
        final String hint;

        PgError(int status, String code, String message, String details, String hint) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.details = details;
            this.hint = hint;
        }

        Reply reply() {
            return SupabaseErrors.postgrest(status, code, getMessage(), details, hint);
        }
    }

    static PgError noColumn(ResourceSpec r, String column) {
        return new PgError(400, "42703", "column " + r.name() + "." + column + " does not exist", null, null);
    }

    /**
     * PostgreSQL's unique violation as PostgREST passes it on: SQLSTATE 23505, HTTP 409 (docs.postgrest.org
     * "Errors"; Error.hs, pgErrorStatus), the constraint named {@code <table>_<column>_key} as PostgreSQL names it.
     */
    static PgError uniqueViolation(String table, String column, String value) {
        return duplicate(table + "_" + column + "_key", column, value);
    }

    static PgError duplicate(String constraint, String column, String value) {
        return new PgError(
                409,
                "23505",
                "duplicate key value violates unique constraint \"" + constraint + "\"",
                "Key (" + column + ")=(" + value + ") already exists.",
                null);
    }
}
