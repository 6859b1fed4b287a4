package dev.gauntlet.mesh.internal.vendor;

import static dev.gauntlet.mesh.call.ErrorClass.auth_expired;
import static dev.gauntlet.mesh.call.ErrorClass.rate_limit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.WriteForm;
import dev.gauntlet.mesh.classify.Rule;
import dev.gauntlet.mesh.vendor.OutcomeCheck;
import dev.gauntlet.mesh.vendor.ReadBack;
import dev.gauntlet.mesh.vendor.Reader;
import dev.gauntlet.mesh.vendor.Vendor;
import dev.gauntlet.mesh.vendor.WriteRef;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Salesforce's REST API. No idempotency keys; its native idempotent write is the upsert by external id
 * ({@code PATCH /sobjects/Account/External_Id__c/{value}}: created once, updated after), which - like every PATCH,
 * PUT and DELETE - is sent again freely. A plain {@code POST /sobjects/X} that carries the external id is read back
 * after an ambiguous failure with a SOQL query on that field before anything is sent again.
 */
public final class SalesforceVendor implements Vendor {

    /** A create: /services/data/v59.0/sobjects/Account (no record id after it). */
    private static final Pattern CREATE = Pattern.compile("(/services/data/v[0-9.]+)/sobjects/([A-Za-z0-9_]+)/?");
    /** sObject and field names: letters, digits and underscores (Salesforce API names). */
    private static final Pattern API_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");

    @Override
    public String name() {
        return "salesforce";
    }

    /** REST API "Status Codes and Error Responses": errors are [{"message","errorCode"}]. */
    @Override
    public List<Rule> rules() {
        return List.of(
                Rule.status("salesforce INVALID_SESSION_ID", 401, auth_expired).whenBody("INVALID_SESSION_ID"),
                Rule.status("salesforce REQUEST_LIMIT_EXCEEDED", 403, rate_limit)
                        .whenBody("REQUEST_LIMIT_EXCEEDED"));
    }

    /** The external id field integrations mark their records with. */
    @Override
    public String opIdField() {
        return "External_Id__c";
    }

    @Override
    public WriteForm writeForm(MeshRequest write, boolean keyed) {
        // POST creates (and composite calls) are plain; PATCH (update, upsert by external id), PUT and DELETE are not.
        return write.method().equals("POST") ? WriteForm.PLAIN : WriteForm.NATURAL;
    }

    @Override
    public OutcomeCheck outcomeCheck(String opIdField) {
        String field = opIdField == null ? opIdField() : opIdField;
        if (!API_NAME.matcher(field).matches()) return OutcomeCheck.NONE;
        return new OutcomeCheck() {
            @Override
            public boolean applies(WriteRef w) {
                if (!w.method().equals("POST")
                        || !CREATE.matcher(ReadBacks.pathOnly(w.path())).matches()
                        || !ReadBacks.plain(w.opId())) return false;
                JsonNode body = ReadBacks.json(w.body());
                return body != null && w.opId().equals(body.path(field).asText(null));
            }

            @Override
            public ReadBack readBack(WriteRef w, Reader reader) {
                Matcher m = CREATE.matcher(ReadBacks.pathOnly(w.path()));
                if (!m.matches()) return new ReadBack.Unknown("not an sObject create: " + w.path());
                // The op id is plain (letters, digits, . _ : / -): nothing in it can end the quoted SOQL literal.
                String soql = "SELECT Id FROM " + m.group(2) + " WHERE " + field + " = '" + w.opId() + "'";
                var read = ReadBacks.get(reader, w.tenant(), m.group(1) + "/query?q=" + ReadBacks.enc(soql));
                if (read instanceof ReadBacks.Failed f) return f.why();
                JsonNode answer = ((ReadBacks.Json) read).body();
                JsonNode records = answer.path("records");
                if (!records.isArray()) return new ReadBack.Unknown("the query's answer has no records");
                if (records.isEmpty()) return ReadBack.MISSING;
                var created = ReadBacks.JSON
                        .createObjectNode()
                        .put("id", records.get(0).path("Id").asText())
                        .put("success", true);
                created.set("errors", ReadBacks.JSON.createArrayNode());
                return new ReadBack.Found(ReadBacks.found(201, created));
            }
        };
    }

    /** Salesforce's error list (REST API "Status Codes and Error Responses"): [{"message","errorCode"}]. */
    @Override
    public byte[] errorBody(int status, String code, String message) {
        return Vendor.json(List.of(Map.of("message", message, "errorCode", code.toUpperCase(Locale.ROOT))));
    }
}
