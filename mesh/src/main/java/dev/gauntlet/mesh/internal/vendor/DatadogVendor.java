package dev.gauntlet.mesh.internal.vendor;

import static dev.gauntlet.mesh.call.ErrorClass.invalid_creds;

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
import java.util.List;
import java.util.Map;

/**
 * Datadog's metrics API. No idempotency keys (a resubmitted point is counted twice), but a submitted point can be read
 * back: the series write's metric, timestamp and {@code op_id:<op>} tag are queried with {@code GET /api/v1/query}
 * (docs.datadoghq.com/api/latest/metrics/#query-timeseries-points); a point at that timestamp means it was committed.
 */
public final class DatadogVendor implements Vendor {

    @Override
    public String name() {
        return "datadog";
    }

    /** Datadog answers a missing or wrong DD-API-KEY with 403 {"errors":["Forbidden"]}; keys do not expire. */
    @Override
    public List<Rule> rules() {
        return List.of(Rule.status("datadog forbidden", 403, invalid_creds));
    }

    /** docs.datadoghq.com/api/latest/rate-limits: X-RateLimit-Reset is the seconds until the period resets. */
    @Override
    public List<WaitHeader> waitHeaders() {
        return List.of(
                CommonRules.RETRY_AFTER, new WaitHeader("X-RateLimit-Reset", WaitHeader.Format.DELTA_SECONDS, true));
    }

    @Override
    public WriteForm writeForm(MeshRequest write, boolean keyed) {
        // Submissions are plain: a second send is a second point. PUT/PATCH/DELETE of metadata set values.
        return write.method().equals("POST") ? WriteForm.PLAIN : WriteForm.NATURAL;
    }

    @Override
    public OutcomeCheck outcomeCheck(String opIdField) {
        return SERIES;
    }

    private static final OutcomeCheck SERIES = new OutcomeCheck() {
        @Override
        public boolean applies(WriteRef write) {
            return ownSeries(write) != null;
        }

        @Override
        public ReadBack readBack(WriteRef write, Reader reader) {
            JsonNode s = ownSeries(write);
            if (s == null) return new ReadBack.Unknown("the body has no series tagged op_id:" + write.opId());
            long ts = s.path("points").path(0).path("timestamp").asLong();
            String query = ReadBacks.enc(s.path("metric").asText() + "{op_id:" + write.opId() + "}");
            var read =
                    ReadBacks.get(reader, write.tenant(), "/api/v1/query?from=" + ts + "&to=" + ts + "&query=" + query);
            if (read instanceof ReadBacks.Failed f) return f.why();
            JsonNode answer = ((ReadBacks.Json) read).body();
            if (!answer.path("series").isArray()) return new ReadBack.Unknown("the query's answer has no series");
            for (JsonNode series : answer.path("series")) {
                for (JsonNode point : series.path("pointlist")) {
                    // The v2 submission answers 202 {"errors":[]}: that is what a found point stands in for.
                    if (point.path(0).asLong() == ts * 1000)
                        return new ReadBack.Found(ReadBacks.found(
                                202,
                                ReadBacks.JSON.createObjectNode().set("errors", ReadBacks.JSON.createArrayNode())));
                }
            }
            return ReadBack.MISSING;
        }
    };

    /** The series of a v2 submission that carries the write's op id tag, with a metric and a first point; null when none. */
    private static JsonNode ownSeries(WriteRef w) {
        if (!ReadBacks.plain(w.opId()) || !ReadBacks.pathOnly(w.path()).equals("/api/v2/series")) return null;
        JsonNode body = ReadBacks.json(w.body());
        if (body == null) return null;
        String tag = "op_id:" + w.opId();
        for (JsonNode s : body.path("series")) {
            boolean tagged = false;
            for (JsonNode t : s.path("tags")) tagged |= t.asText().equals(tag);
            if (!tagged || s.path("metric").asText("").isEmpty()) continue;
            if (s.path("points").path(0).path("timestamp").asLong(-1) < 0) continue;
            return s;
        }
        return null;
    }

    /** Datadog's error body: {"errors":[…]}. */
    @Override
    public byte[] errorBody(int status, String code, String message) {
        return Vendor.json(Map.of("errors", List.of(message)));
    }
}
