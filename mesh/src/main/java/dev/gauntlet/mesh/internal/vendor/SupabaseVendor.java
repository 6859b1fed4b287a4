package dev.gauntlet.mesh.internal.vendor;

import static dev.gauntlet.mesh.call.ErrorClass.auth_expired;
import static dev.gauntlet.mesh.call.ErrorClass.invalid_creds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.WriteForm;
import dev.gauntlet.mesh.classify.Rule;
import dev.gauntlet.mesh.vendor.OutcomeCheck;
import dev.gauntlet.mesh.vendor.ReadBack;
import dev.gauntlet.mesh.vendor.Reader;
import dev.gauntlet.mesh.vendor.Vendor;
import dev.gauntlet.mesh.vendor.WriteRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Supabase: PostgREST tables under /rest/v1. No idempotency keys; the native idempotent write is the upsert on a
 * unique column ({@code POST /rest/v1/t?on_conflict=col} with {@code Prefer: resolution=merge-duplicates},
 * docs.postgrest.org "Upsert"), sent again freely, like PATCH, PUT and DELETE. A plain insert that carries the op id
 * column is read back after an ambiguous failure ({@code GET /rest/v1/t?col=eq.<op id>}) before anything is sent again.
 */
public final class SupabaseVendor implements Vendor {

    private static final Pattern TABLE = Pattern.compile("/rest/v1/([A-Za-z_][A-Za-z0-9_]*)/?");
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    @Override
    public String name() {
        return "supabase";
    }

    /**
     * PostgREST PGRST301 is an expired or badly signed JWT: a fresh token fixes it. The gateway's "Invalid API key" /
     * "No API key found" concern the static apikey header, which no refresh can fix.
     */
    @Override
    public List<Rule> rules() {
        return List.of(
                Rule.status("supabase PGRST301", 401, auth_expired).whenBody("PGRST301"),
                Rule.status("supabase invalid API key", 401, invalid_creds).whenBody("Invalid API key"),
                Rule.status("supabase no API key", 401, invalid_creds).whenBody("No API key found"));
    }

    /** The unique column integrations mark their rows with. */
    @Override
    public String opIdField() {
        return "external_id";
    }

    @Override
    public WriteForm writeForm(MeshRequest write, boolean keyed) {
        if (!write.method().equals("POST")) return WriteForm.NATURAL;
        String prefer = write.header("Prefer");
        // resolution=merge-duplicates updates the row a conflict finds; ignore-duplicates leaves it: both are safe to
        // send again.
        if (prefer != null && prefer.toLowerCase(Locale.ROOT).contains("resolution=")) return WriteForm.NATURAL;
        return WriteForm.PLAIN;
    }

    @Override
    public OutcomeCheck outcomeCheck(String opIdField) {
        String column = opIdField == null ? opIdField() : opIdField;
        if (!COLUMN.matcher(column).matches()) return OutcomeCheck.NONE;
        return new OutcomeCheck() {
            @Override
            public boolean applies(WriteRef w) {
                if (!w.method().equals("POST")
                        || !TABLE.matcher(ReadBacks.pathOnly(w.path())).matches()
                        || !ReadBacks.plain(w.opId())) return false;
                JsonNode body = ReadBacks.json(w.body());
                // One row per insert: a bulk insert is several writes, which one op id cannot name.
                return body != null
                        && body.isObject()
                        && w.opId().equals(body.path(column).asText(null));
            }

            @Override
            public ReadBack readBack(WriteRef w, Reader reader) {
                String table = ReadBacks.pathOnly(w.path()).replaceAll("/$", "");
                var read = ReadBacks.get(
                        reader, w.tenant(), table + "?select=*&" + column + "=eq." + ReadBacks.enc(w.opId()));
                if (read instanceof ReadBacks.Failed f) return f.why();
                JsonNode rows = ((ReadBacks.Json) read).body();
                if (!rows.isArray()) return new ReadBack.Unknown("the select's answer is not a list of rows");
                return rows.isEmpty() ? ReadBack.MISSING : new ReadBack.Found(ReadBacks.found(201, rows));
            }
        };
    }

    /** PostgREST's error body: {"code","details","hint","message"}. */
    @Override
    public byte[] errorBody(int status, String code, String message) {
        var m = new LinkedHashMap<String, Object>();
        m.put("code", code);
        m.put("details", null);
        m.put("hint", null);
        m.put("message", message);
        return Vendor.json(m);
    }
}
