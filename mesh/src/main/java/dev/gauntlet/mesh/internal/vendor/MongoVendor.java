package dev.gauntlet.mesh.internal.vendor;

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
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The MongoDB Atlas Data API (POST …/action/&lt;name&gt;). No idempotency keys; the native idempotent writes are
 * updateOne/replaceOne with {@code "upsert": true} on a unique field and updates that only set values, sent again
 * freely. A plain insertOne that carries the op id field is read back after an ambiguous failure (findOne on that
 * field) before anything is sent again. find, findOne and aggregate only read although they are POSTs.
 */
public final class MongoVendor implements Vendor {

    /** Update operators whose second application changes nothing more ($inc, $push, … would add again). */
    private static final Set<String> SETTING = Set.of("$set", "$unset", "$setOnInsert");

    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]{0,99}");

    @Override
    public String name() {
        return "mongodb";
    }

    /** Atlas Data API keys do not expire, so its 401 InvalidSession means the key itself is refused. */
    @Override
    public List<Rule> rules() {
        return List.of(Rule.status("mongodb InvalidSession", 401, invalid_creds).whenBody("InvalidSession"));
    }

    @Override
    public List<String> readPaths() {
        return List.of("/action/find", "/action/findOne", "/action/aggregate");
    }

    /** The unique field integrations mark their documents with. */
    @Override
    public String opIdField() {
        return "external_id";
    }

    @Override
    public WriteForm writeForm(MeshRequest write, boolean keyed) {
        String path = ReadBacks.pathOnly(write.path());
        String action = path.substring(path.lastIndexOf('/') + 1);
        JsonNode body = ReadBacks.json(write.body());
        return switch (action) {
            case "replaceOne", "deleteMany" -> WriteForm.NATURAL;
            case "updateOne", "updateMany" ->
                body != null && onlySets(body.path("update")) ? WriteForm.NATURAL : WriteForm.PLAIN;
            // deleteOne by _id deletes that document or nothing; by anything else a second send may delete another one.
            case "deleteOne" -> body != null && body.path("filter").has("_id") ? WriteForm.NATURAL : WriteForm.PLAIN;
            default -> WriteForm.PLAIN;
        };
    }

    private static boolean onlySets(JsonNode update) {
        if (!update.isObject() || update.isEmpty()) return false;
        for (var it = update.fieldNames(); it.hasNext(); ) if (!SETTING.contains(it.next())) return false;
        return true;
    }

    @Override
    public OutcomeCheck outcomeCheck(String opIdField) {
        String field = opIdField == null ? opIdField() : opIdField;
        if (!FIELD.matcher(field).matches()) return OutcomeCheck.NONE;
        return new OutcomeCheck() {
            @Override
            public boolean applies(WriteRef w) {
                if (!w.method().equals("POST")
                        || !ReadBacks.pathOnly(w.path()).endsWith("/action/insertOne")
                        || w.opId() == null) return false;
                JsonNode body = ReadBacks.json(w.body());
                return body != null
                        && w.opId()
                                .equals(ReadBacks.at(body.path("document"), field)
                                        .asText(null));
            }

            @Override
            public ReadBack readBack(WriteRef w, Reader reader) {
                JsonNode body = ReadBacks.json(w.body());
                if (body == null) return new ReadBack.Unknown("the insert's body is not JSON");
                Map<String, Object> find = new LinkedHashMap<>();
                for (String k : List.of("dataSource", "database", "collection"))
                    find.put(k, body.path(k).asText());
                find.put("filter", Map.of(field, w.opId()));
                String path = ReadBacks.pathOnly(w.path());
                var read = ReadBacks.postJson(
                        reader, w.tenant(), path.substring(0, path.lastIndexOf('/')) + "/findOne", find);
                if (read instanceof ReadBacks.Failed f) return f.why();
                JsonNode answer = ((ReadBacks.Json) read).body();
                if (!answer.has("document")) return new ReadBack.Unknown("the findOne answer has no document field");
                JsonNode doc = answer.path("document");
                if (doc.isNull() || doc.isMissingNode()) return ReadBack.MISSING;
                return new ReadBack.Found(
                        ReadBacks.found(201, ReadBacks.JSON.createObjectNode().set("insertedId", doc.path("_id"))));
            }
        };
    }

    /** The Data API's error body: {"error","error_code"}. */
    @Override
    public byte[] errorBody(int status, String code, String message) {
        return Vendor.json(Map.of("error", message, "error_code", code));
    }
}
