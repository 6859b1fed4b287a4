package dev.gauntlet.mesh.internal.vendor;

import static dev.gauntlet.mesh.call.ErrorClass.rate_limit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.WriteForm;
import dev.gauntlet.mesh.classify.CommonRules;
import dev.gauntlet.mesh.classify.Rule;
import dev.gauntlet.mesh.classify.WaitHeader;
import dev.gauntlet.mesh.vendor.OutcomeCheck;
import dev.gauntlet.mesh.vendor.ReadBack;
import dev.gauntlet.mesh.vendor.Reader;
import dev.gauntlet.mesh.vendor.Vendor;
import dev.gauntlet.mesh.vendor.WriteRef;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * GitHub's REST API. It has no idempotency keys and no upsert for issues: a create sent twice opens two issues. So a
 * create carries its op id as a marker in its body ({@link #marker}), and after an ambiguous failure the mesh lists
 * the repository's issues created since the write was sent ({@code since}, newest first) and looks for the marker
 * before anything is sent again (docs.github.com/rest/issues/issues#list-repository-issues). PATCH, PUT and DELETE set
 * state and are sent again freely.
 */
public final class GitHubVendor implements Vendor {

    private static final Pattern ISSUES = Pattern.compile("/repos/[^/?]+/[^/?]+/issues/?");
    private static final int PER_PAGE = 100;

    @Override
    public String name() {
        return "github";
    }

    /**
     * "Rate limits for the REST API": the primary limit is 403/429 with x-ratelimit-remaining 0; a secondary limit is
     * 403 with "secondary rate limit" in the message and usually retry-after.
     */
    @Override
    public List<Rule> rules() {
        return List.of(
                Rule.status("github primary rate limit", 403, rate_limit).whenHeader("x-ratelimit-remaining", "0"),
                Rule.status("github secondary rate limit", 403, rate_limit).whenHeader("retry-after", null),
                Rule.status("github rate limit message", 403, rate_limit).whenBody("rate limit"));
    }

    @Override
    public List<WaitHeader> waitHeaders() {
        return List.of(
                CommonRules.RETRY_AFTER, new WaitHeader("x-ratelimit-reset", WaitHeader.Format.EPOCH_SECONDS, true));
    }

    /** The issue's text field the marker goes in. */
    @Override
    public String opIdField() {
        return "body";
    }

    /** The marker an issue's body carries to be found again: an HTML comment, which GitHub does not render. */
    public static String marker(String opId) {
        return "<!-- op_id: " + opId + " -->";
    }

    @Override
    public String opIdMarker(String opId) {
        return marker(opId);
    }

    @Override
    public WriteForm writeForm(MeshRequest write, boolean keyed) {
        return write.method().equals("POST") ? WriteForm.PLAIN : WriteForm.NATURAL;
    }

    @Override
    public OutcomeCheck outcomeCheck(String opIdField) {
        String field = opIdField == null ? opIdField() : opIdField;
        return new OutcomeCheck() {
            @Override
            public boolean applies(WriteRef w) {
                if (!w.method().equals("POST")
                        || !ISSUES.matcher(ReadBacks.pathOnly(w.path())).matches()
                        || !ReadBacks.plain(w.opId())) return false;
                JsonNode body = ReadBacks.json(w.body());
                return body != null && body.path(field).asText("").contains(marker(w.opId()));
            }

            @Override
            public ReadBack readBack(WriteRef w, Reader reader) {
                Instant from = ReadBacks.lookFrom(w);
                String base = ReadBacks.pathOnly(w.path()).replaceAll("/$", "")
                        + "?state=all&sort=created&direction=desc&per_page=" + PER_PAGE + "&since="
                        + ReadBacks.enc(from.toString());
                String mark = marker(w.opId());
                for (int page = 1; page <= ReadBacks.MAX_PAGES; page++) {
                    var read = ReadBacks.get(reader, w.tenant(), base + "&page=" + page);
                    if (read instanceof ReadBacks.Failed f) return f.why();
                    JsonNode issues = ((ReadBacks.Json) read).body();
                    if (!issues.isArray()) return new ReadBack.Unknown("the issue list's answer is not a list");
                    for (JsonNode issue : issues) {
                        if (issue.path(field).asText("").contains(mark))
                            return new ReadBack.Found(ReadBacks.found(201, issue));
                    }
                    // Newest first: a page that ends before the write was sent, or a short page, is the last worth
                    // reading.
                    if (issues.size() < PER_PAGE || createdBefore(issues.get(issues.size() - 1), from))
                        return ReadBack.MISSING;
                }
                return new ReadBack.Unknown(
                        "more than " + ReadBacks.MAX_PAGES * PER_PAGE + " issues created since the write");
            }
        };
    }

    private static boolean createdBefore(JsonNode issue, Instant from) {
        try {
            return Instant.parse(issue.path("created_at").asText()).isBefore(from);
        } catch (DateTimeParseException noDate) {
            return false;
        }
    }

    /** GitHub's error body: {"message","documentation_url"}. */
    @Override
    public byte[] errorBody(int status, String code, String message) {
        return Vendor.json(Map.of("message", message, "documentation_url", "https://docs.github.com/rest"));
    }
}
