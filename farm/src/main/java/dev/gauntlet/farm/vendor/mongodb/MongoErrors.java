package dev.gauntlet.farm.vendor.mongodb;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.vendor.FarmError;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** MongoDB Data API error answers: {@code {"error","error_code","link"}}, and E11000 duplicate keys from a unique index. */
final class MongoErrors {
    private MongoErrors() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The answer to an error: the App Services body {@code {error, error_code, link}} with its status. */
    static Reply of(FarmError error) {
        return switch (error.kind()) {
            // The Data API v1 OpenAPI (ErrorNoAuthenticationSpecified): a request without credentials is a 400.
            case AUTH_MISSING -> body(400, "no authentication methods were specified", "InvalidParameter");
            // An unknown key: "invalid session: error finding user for endpoint" (ErrorUserNotFound), 401.
            case AUTH_INVALID -> body(401, "invalid session: error finding user for endpoint", "InvalidSession");
            case AUTH_EXPIRED -> body(401, "invalid session: access token expired", "InvalidSession");
            case RATE_LIMITED ->
                body(429, error.message(), "TooManyRequests")
                        .header(
                                "Retry-After",
                                error.limit() == null ? 1 : error.limit().retryAfterSeconds());
            case SERVER_ERROR ->
                body(error.status() == 0 ? 500 : error.status(), error.message(), "InternalServerError");
            case BAD_REQUEST -> body(400, error.message(), error.code() != null ? error.code() : "InvalidParameter");
            case NOT_FOUND -> body(404, error.message(), "NotFound");
            case METHOD_NOT_ALLOWED -> body(405, error.message(), "MethodNotAllowed");
            case PAYLOAD_TOO_LARGE -> body(413, error.message(), "RequestTooLarge");
            case IDEMPOTENCY_MISMATCH -> body(400, error.message(), "InvalidParameter");
            case IDEMPOTENCY_IN_FLIGHT -> body(409, error.message(), "Conflict");
            case INVALID_GRANT -> body(401, error.message(), "InvalidSession");
            // The actions catch refused writes themselves (they know the database); this is the fallback.
            case CONFLICT ->
                duplicateKey(
                        "Failed to write document",
                        null,
                        error.duplicate().resource(),
                        error.duplicate().field(),
                        error.duplicate().value());
        };
    }

    /** The App Services error body; {@code link} points at the app's logs for this request. */
    static Reply body(int status, String message, String code) {
        return Reply.json(status, errorNode(message, code));
    }

    static ObjectNode errorNode(String message, String code) {
        ObjectNode b = F.objectNode();
        b.put("error", message);
        b.put("error_code", code);
        b.put(
                "link",
                "https://services.cloud.mongodb.com/groups/000000000000000000000000/apps/000000000000000000000000/logs?co_id="
                        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + "00000000");
        return b;
    }

    /**
     * A unique index refused a write: the server's E11000 text ("E11000 duplicate key error collection: db.coll index:
     * field_1 dup key: { field: "value" }", MongoDB manual, Unique Indexes) as the Data API relays a function's
     * error, with error_code DuplicateKey. MongoDB does not document the Data API's status for it; the farm sends 409.
     *
     * @param value the taken value, or null when the field is missing (a unique index holds one missing value as null)
     */
    static ObjectNode duplicateKeyNode(String what, String database, String collection, String field, String value) {
        String namespace = database == null ? collection : database + "." + collection;
        return errorNode(
                what + ": FunctionError: (DuplicateKey) E11000 duplicate key error collection: " + namespace
                        + " index: " + field + "_1 dup key: { " + field + ": "
                        + (value == null ? "null" : "\"" + value + "\"") + " }",
                "DuplicateKey");
    }

    static Reply duplicateKey(String what, String database, String collection, String field, String value) {
        return Reply.json(409, duplicateKeyNode(what, database, collection, field, value));
    }

    /** The verb of a refused write's message, by action. */
    static String failed(String action) {
        return switch (action) {
            case "insertOne" -> "Failed to insert document";
            case "insertMany" -> "Failed to insert documents";
            case "replaceOne" -> "Failed to replace document";
            default -> "Failed to update document";
        };
    }

    /** The field and value a refused write repeated; the value is null when the document lacked the field. */
    static FarmError.Duplicate duplicateOf(RuntimeException e) {
        if (e instanceof ResourceStore.UniqueViolation v)
            return new FarmError.Duplicate(v.resource(), v.field(), v.value(), v.existingId());
        return new FarmError.Duplicate(null, ((MissingUniqueValue) e).field, null, null);
    }

    /** A second document without a value for a unique field, which MongoDB's unique index refuses as a duplicate null. */
    static final class MissingUniqueValue extends RuntimeException {
        final String field;

        MissingUniqueValue(String field) {
            super(null, null, false, false);
            this.field = field;
        }
    }

    static Reply bad(String message) {
        return body(400, message, "InvalidParameter");
    }

    /**
     * MongoDB would create the collection on first insert; the farm serves only the collections its YAML declares, so a
     * write to another one is refused, naming it.
     */
    static Reply unknownCollectionWrite(String collection) {
        return bad("collection '" + collection
                + "' does not exist on this farm service; it serves only the collections declared in its YAML");
    }
}
