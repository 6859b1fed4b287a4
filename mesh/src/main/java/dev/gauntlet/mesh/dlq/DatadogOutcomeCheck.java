package dev.gauntlet.mesh.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.MeshException;
import dev.gauntlet.mesh.MeshRequest;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Datadog takes no idempotency keys, but a submitted point can be read back: the series write's metric, timestamp and
 * {@code op_id:<op>} tag are queried with {@code GET /api/v1/query} (docs.datadoghq.com/api/latest/metrics/#query-timeseries-points).
 * A point at that timestamp means the write was committed. Only v2 series bodies that tag the entry's op id are read;
 * anything else is left to a person.
 */
final class DatadogOutcomeCheck implements OutcomeCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Op ids that fit in a query's tag scope as they are (a comma or brace would change the query). */
    private static final java.util.regex.Pattern PLAIN_OP_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:/-]{1,200}");

    /** The series of the entry's body that carries its op id, with a metric and a first point; null when there is none. */
    private static JsonNode ownSeries(DlqEntry entry) {
        if (entry.opId() == null || !PLAIN_OP_ID.matcher(entry.opId()).matches() || !entry.path().startsWith("/api/v2/series")) return null;
        JsonNode series;
        try {
            series = JSON.readTree(entry.body()).path("series");
        } catch (IOException notJson) {
            return null;
        }
        String tag = "op_id:" + entry.opId();
        for (JsonNode s : series) {
            if (!hasTag(s, tag) || s.path("metric").asText("").isEmpty()) continue;
            if (s.path("points").path(0).path("timestamp").asLong(-1) < 0) continue;
            return s;
        }
        return null;
    }

    @Override
    public boolean applies(DlqEntry entry) {
        return ownSeries(entry) != null;
    }

    @Override
    public Optional<Boolean> committed(DlqEntry entry, Connector connector) {
        JsonNode s = ownSeries(entry);
        if (s == null) return Optional.empty();
        return pointAt(connector, entry.tenant(), s.path("metric").asText(), "op_id:" + entry.opId(), s.path("points").path(0).path("timestamp").asLong());
    }

    private static boolean hasTag(JsonNode series, String tag) {
        for (JsonNode t : series.path("tags")) if (t.asText().equals(tag)) return true;
        return false;
    }

    private static Optional<Boolean> pointAt(Connector connector, String tenant, String metric, String tag, long ts) {
        String query = URLEncoder.encode(metric + "{" + tag + "}", StandardCharsets.UTF_8);
        String path = "/api/v1/query?from=" + ts + "&to=" + ts + "&query=" + query;
        JsonNode answer;
        try {
            answer = Connector.json(connector.call(new MeshRequest("GET", path, Map.of(), new byte[0], null, null, tenant)));
        } catch (MeshException | IllegalStateException unanswered) {
            return Optional.empty();
        }
        if (!answer.path("series").isArray()) return Optional.empty();
        for (JsonNode s : answer.path("series")) {
            for (JsonNode point : s.path("pointlist")) {
                if (point.path(0).asLong() == ts * 1000) return Optional.of(true);
            }
        }
        return Optional.of(false);
    }
}
