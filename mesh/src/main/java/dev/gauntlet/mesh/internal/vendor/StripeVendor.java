package dev.gauntlet.mesh.internal.vendor;

import static dev.gauntlet.mesh.call.ErrorClass.invalid_creds;
import static dev.gauntlet.mesh.call.ErrorClass.server_error;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.call.WriteForm;
import dev.gauntlet.mesh.classify.Rule;
import dev.gauntlet.mesh.vendor.BodyEncoding;
import dev.gauntlet.mesh.vendor.OutcomeCheck;
import dev.gauntlet.mesh.vendor.ReadBack;
import dev.gauntlet.mesh.vendor.Reader;
import dev.gauntlet.mesh.vendor.Vendor;
import dev.gauntlet.mesh.vendor.WriteRef;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stripe: form-encoded bodies and idempotency keys (docs.stripe.com/api/idempotent_requests): a keyed POST sent again
 * gets the first result replayed, so keyed writes are retried with their key. Stripe saves a keyed request's result
 * "including 500 errors" and marks it {@code Stripe-Should-Retry: false}: such a 500 is indeterminate ("treat the
 * result of a 500 request as indeterminate", docs.stripe.com/error-low-level), so the write is read back - by listing
 * the objects created since it was sent ({@code created[gte]}) and looking for its {@code metadata[op_id]} - and sent
 * again under a fresh key only when it is not there. Search is not used: it is eventually consistent ("don't use
 * search for read-after-write flows", docs.stripe.com/search).
 */
public final class StripeVendor implements Vendor {

    /** Creates that the read-back can find, by their path. */
    private static final Set<String> READABLE = Set.of("/v1/customers", "/v1/payment_intents");

    @Override
    public String name() {
        return "stripe";
    }

    /**
     * Stripe secret keys do not expire with time: a 401 (invalid or rolled key) needs a human, not a refresh.
     * Stripe-Should-Retry: true on a 409 (idempotency key in use) is Stripe's own "retry this".
     */
    @Override
    public List<Rule> rules() {
        return List.of(
                Rule.status("stripe key refused", 401, invalid_creds),
                Rule.status("stripe should retry", 409, server_error).whenHeader("Stripe-Should-Retry", "true"));
    }

    @Override
    public BodyEncoding bodyEncoding() {
        return BodyEncoding.FORM;
    }

    @Override
    public String idempotencyHeader() {
        return "Idempotency-Key";
    }

    @Override
    public String opIdField() {
        return "metadata.op_id";
    }

    @Override
    public WriteForm writeForm(MeshRequest write, boolean keyed) {
        // "Sending idempotency keys in GET and DELETE requests has no effect ... these requests are idempotent by
        // definition."
        if (write.method().equals("DELETE")) return WriteForm.NATURAL;
        return keyed ? WriteForm.KEYED : WriteForm.PLAIN;
    }

    @Override
    public boolean repeatsAnswer(MeshResponse failed) {
        String v = failed.header("Stripe-Should-Retry");
        return v != null && v.trim().equalsIgnoreCase("false");
    }

    @Override
    public OutcomeCheck outcomeCheck(String opIdField) {
        String formKey = formKey(opIdField == null ? opIdField() : opIdField);
        String jsonPath = opIdField == null ? opIdField() : opIdField;
        return new OutcomeCheck() {
            @Override
            public boolean applies(WriteRef w) {
                return w.method().equals("POST")
                        && READABLE.contains(ReadBacks.pathOnly(w.path()))
                        && ReadBacks.plain(w.opId())
                        && w.opId().equals(formValue(w.body(), formKey));
            }

            @Override
            public ReadBack readBack(WriteRef w, Reader reader) {
                String base = ReadBacks.pathOnly(w.path()) + "?limit=100&created%5Bgte%5D="
                        + ReadBacks.lookFrom(w).getEpochSecond();
                String after = null;
                for (int page = 0; page < ReadBacks.MAX_PAGES; page++) {
                    var read = ReadBacks.get(
                            reader,
                            w.tenant(),
                            after == null ? base : base + "&starting_after=" + ReadBacks.enc(after));
                    if (read instanceof ReadBacks.Failed f) return f.why();
                    JsonNode list = ((ReadBacks.Json) read).body();
                    if (!list.path("data").isArray()) return new ReadBack.Unknown("the list's answer has no data");
                    for (JsonNode o : list.path("data")) {
                        if (w.opId().equals(ReadBacks.at(o, jsonPath).asText(null)))
                            return new ReadBack.Found(ReadBacks.found(200, o));
                        after = o.path("id").asText(null);
                    }
                    if (!list.path("has_more").asBoolean(false) || after == null) return ReadBack.MISSING;
                }
                return new ReadBack.Unknown(
                        "more than " + ReadBacks.MAX_PAGES + " pages of objects created since the write");
            }
        };
    }

    /** "metadata.op_id" → "metadata[op_id]", Stripe's bracket notation. */
    static String formKey(String dotted) {
        String[] parts = dotted.split("\\.");
        var b = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) b.append('[').append(parts[i]).append(']');
        return b.toString();
    }

    /** The value of one key of a form body, or null. */
    static String formValue(byte[] body, String key) {
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) continue;
            if (URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(key)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Stripe's error envelope (docs.stripe.com/api/errors): {"error":{"type","code","message"}}. */
    @Override
    public byte[] errorBody(int status, String code, String message) {
        return Vendor.json(Map.of("error", Map.of("type", "api_error", "code", code, "message", message)));
    }

    /** Stripe's own retry signal, which its libraries read before their own rules. */
    @Override
    public Map<String, String> errorHeaders(boolean retry) {
        return Map.of("Stripe-Should-Retry", Boolean.toString(retry));
    }
}
