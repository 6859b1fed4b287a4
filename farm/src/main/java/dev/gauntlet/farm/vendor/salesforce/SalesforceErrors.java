package dev.gauntlet.farm.vendor.salesforce;

import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.vendor.FarmError;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Salesforce's error answers: a JSON list of {@code {"message","errorCode"[,"fields"]}} with the status its REST API
 * uses for each case (REST API Developer Guide, "Status Codes and Error Responses").
 */
final class SalesforceErrors {
    private SalesforceErrors() {}

    /** The answer to an error: Salesforce's list of {@code {message, errorCode[, fields]}} with its status. */
    static Reply of(FarmError error) {
        return switch (error.kind()) {
            // REST API "Status Codes and Error Responses": 401 means "the session ID or OAuth token used has expired or
            // is invalid".
            case AUTH_MISSING, AUTH_INVALID, AUTH_EXPIRED ->
                sfError(401, "INVALID_SESSION_ID", "Session expired or invalid");
            // Same page: 403 REQUEST_LIMIT_EXCEEDED, and no wait header: the org's allocation is a rolling 24 h count
            // (help.salesforce.com "API Request Limits and Allocations"), so no moment exists at which it is whole
            // again. The farm's own count says "TotalRequests"; a refusal the chaos dial injects is Salesforce's other
            // REQUEST_LIMIT_EXCEEDED, the org's concurrent long-running requests (25 of 20 s or more in production
            // orgs, same help page), which leaves the daily count as it is (see secondaryLimits()).
            case RATE_LIMITED ->
                sfError(
                        403,
                        "REQUEST_LIMIT_EXCEEDED",
                        error.limit() != null && error.limit().injected()
                                ? "ConcurrentPerOrgLongTxn Limit exceeded."
                                : "TotalRequests Limit exceeded.");
            case SERVER_ERROR -> {
                int status = error.status() == 0 ? 500 : error.status();
                yield status == 503
                        ? sfError(
                                503, "SERVER_UNAVAILABLE", "Server temporarily unavailable. Please retry your request.")
                        : sfError(
                                status,
                                "UNKNOWN_EXCEPTION",
                                "An unexpected error occurred. Please include this ErrorId if you contact support: "
                                        + Integer.toHexString(error.hashCode() & 0x7fffffff) + "-" + status
                                        + " (-1427542231)");
            }
            case BAD_REQUEST, INVALID_GRANT -> {
                String code =
                        error.code() != null && error.code().equals(error.code().toUpperCase(Locale.ROOT))
                                ? error.code()
                                : error.field() == null ? "JSON_PARSER_ERROR" : "INVALID_FIELD";
                yield sfError(400, code, error.message(), error.field());
            }
            case NOT_FOUND -> notFound();
            case METHOD_NOT_ALLOWED -> sfError(405, "METHOD_NOT_ALLOWED", error.message());
            case PAYLOAD_TOO_LARGE -> sfError(413, "REQUEST_ENTITY_TOO_LARGE", error.message());
            // Salesforce's sObject API has no idempotency keys; these follow its envelope with self-explaining codes.
            case IDEMPOTENCY_MISMATCH -> sfError(400, "IDEMPOTENCY_KEY_MISMATCH", error.message(), error.field());
            case IDEMPOTENCY_IN_FLIGHT -> sfError(409, "IDEMPOTENCY_KEY_IN_USE", error.message(), error.field());
            // A unique External ID's value used twice: 400 DUPLICATE_VALUE naming the record that holds it, with an
            // empty fields array (StatusCode DUPLICATE_VALUE in "Core Data Types Used in API Calls"; the answer as
            // reported from a real org in k-capehart/go-salesforce issue 133).
            case CONFLICT ->
                dmlError(
                        400,
                        "DUPLICATE_VALUE",
                        "duplicate value found: " + error.duplicate().field() + " duplicates value on record with id: "
                                + error.duplicate().existingId(),
                        List.of());
        };
    }

    /** An error of a whole request: message and errorCode, and fields only when it names some. */
    static Reply sfError(int status, String code, String message, String... fields) {
        List<String> named = fields == null
                ? List.of()
                : Arrays.stream(fields).filter(Objects::nonNull).toList();
        return named.isEmpty()
                ? Reply.json(status, List.of(errorBody(code, message)))
                : dmlError(status, code, message, named);
    }

    /** An error of a record's save (Error in "Core Data Types Used in API Calls"): always with its fields array, even empty. */
    static Reply dmlError(int status, String code, String message, List<String> fields) {
        Map<String, Object> e = errorBody(code, message);
        e.put("fields", fields);
        return Reply.json(status, List.of(e));
    }

    private static Map<String, Object> errorBody(String code, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("message", message);
        e.put("errorCode", code);
        return e;
    }

    static Reply notFound() {
        return sfError(404, "NOT_FOUND", "The requested resource does not exist");
    }
}
