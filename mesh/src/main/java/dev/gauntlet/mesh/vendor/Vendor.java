package dev.gauntlet.mesh.vendor;

import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.call.WriteForm;
import dev.gauntlet.mesh.classify.Classifier;
import dev.gauntlet.mesh.classify.CommonRules;
import dev.gauntlet.mesh.classify.Rule;
import dev.gauntlet.mesh.classify.WaitHeader;
import java.util.List;
import java.util.Map;

/**
 * What the mesh knows of one upstream API, as a plug-in: how its answers are classified and how it asks callers to
 * wait, how it takes bodies, and how its writes are made exactly once (its idempotency key, its idempotent write
 * forms, how a write of unknown outcome is read back). The built-ins (rest, stripe, salesforce, github, supabase,
 * mongodb, datadog) are found through {@link java.util.ServiceLoader}, like any a user adds from a jar of their own
 * (see {@link Vendors}); a connector names its vendor in {@code flavor}.
 */
public interface Vendor {

    /** The name connectors use in {@code flavor:}. */
    String name();

    /** The vendor's own classification rules, tried before those every vendor shares. */
    default List<Rule> rules() {
        return List.of();
    }

    /** Where the vendor says how long to wait, in the order to read them. */
    default List<WaitHeader> waitHeaders() {
        return List.of(CommonRules.RETRY_AFTER);
    }

    /** How the vendor takes a write's body given as an object. */
    default BodyEncoding bodyEncoding() {
        return BodyEncoding.JSON;
    }

    /** The header the vendor takes idempotency keys in, or null when it honours none (a key sent would be ignored). */
    default String idempotencyHeader() {
        return null;
    }

    /** Path endings of calls that only read although their method is POST (MongoDB's Data API find). */
    default List<String> readPaths() {
        return List.of();
    }

    /** Where a write carries the caller's op id, when the connector names no {@code idempotency.op_id_field}; null for none. */
    default String opIdField() {
        return null;
    }

    /**
     * What a write's {@link #opIdField} holds so its read-back finds it by op id: the op id itself, or for a free-text
     * field a marker inside the text (GitHub's issue body).
     */
    default String opIdMarker(String opId) {
        return opId;
    }

    /**
     * How this write is protected from being carried out twice.
     *
     * @param keyed whether the connector sends idempotency keys (the vendor honours them and they are not switched off)
     */
    WriteForm writeForm(MeshRequest write, boolean keyed);

    /** How a write of unknown outcome is read back; {@link OutcomeCheck#NONE} when the API cannot tell. */
    default OutcomeCheck outcomeCheck(String opIdField) {
        return OutcomeCheck.NONE;
    }

    /**
     * Whether a failed answer says that sending the same request again would get this same answer (Stripe saves a
     * keyed request's result, 500s included, and says so with {@code Stripe-Should-Retry: false}): a retry with the
     * same key is pointless, and the write's outcome is for a read-back to settle.
     */
    default boolean repeatsAnswer(MeshResponse failed) {
        return false;
    }

    /**
     * An answer of the mesh's own (a write it parked, a call it gave up on) in this vendor's error envelope, so that the
     * vendor's own client, pointed at the mesh's proxy, reads it as the vendor's error and not as a success or as
     * garbage. {@code retry} says whether the client may send the request again (the vendor's own signal, where it has
     * one, is set in {@link #errorHeaders}).
     */
    default byte[] errorBody(int status, String code, String message) {
        return json(Map.of("error", Map.of("code", code, "message", message)));
    }

    /** Headers that go with {@link #errorBody}: the vendor's own retry signal (Stripe's Stripe-Should-Retry). */
    default Map<String, String> errorHeaders(boolean retry) {
        return Map.of();
    }

    /** A JSON body (for {@link #errorBody} implementations). */
    static byte[] json(Object value) {
        return ErrorBodies.json(value);
    }

    /** The classifier of this vendor's answers. */
    default Classifier classifier() {
        return Classifier.of(name(), rules(), waitHeaders());
    }
}
