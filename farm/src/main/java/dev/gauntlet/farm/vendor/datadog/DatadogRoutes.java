package dev.gauntlet.farm.vendor.datadog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.PathTemplate;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.spec.RateLimitSpec;
import dev.gauntlet.farm.vendor.Call;
import dev.gauntlet.farm.vendor.Route;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/** Datadog's routes ({@link #register}) and metrics endpoints: series submission (v2 and v1), timeseries query, active metrics, metadata, validate. */
final class DatadogRoutes {

    static final String METRICS = "metrics";
    static final String SERIES = "series";

    /** Registers the metrics endpoints: series (v2, v1), query, active metrics, metadata and validate. */
    static void register(Service service, RouteTable table) {
        DatadogRoutes h = new DatadogRoutes();
        String series = SERIES;
        String metrics = METRICS;
        table.add(new Route(
                "POST", new PathTemplate("/api/v2/series"), "submit metrics (v2)", series, true, true, h::submitV2));
        table.add(new Route(
                "POST", new PathTemplate("/api/v1/series"), "submit metrics (v1)", series, true, true, h::submitV1));
        table.add(new Route(
                "GET", new PathTemplate("/api/v1/query"), "query timeseries points", series, true, false, h::query));
        table.add(new Route(
                "GET",
                new PathTemplate("/api/v1/metrics"),
                "get active metrics list",
                metrics,
                true,
                false,
                h::activeMetrics));
        table.add(new Route(
                "GET",
                new PathTemplate("/api/v1/metrics/{metric_name}"),
                "get metric metadata",
                metrics,
                true,
                false,
                h::metadata));
        table.add(new Route(
                "GET", new PathTemplate("/api/v1/validate"), "validate API key", null, true, false, h::validate));
    }

    // docs.datadoghq.com/api/latest/metrics/#submit-metrics: "Compressed payloads must have a decompressed size of
    // less than 5 megabytes (5242880 bytes)" (the 512,000-byte limit on the wire is the service's max_body_bytes).
    private static final int MAX_DECOMPRESSED = 5_242_880;
    // Submitted series kept for queries; the oldest go first so a long load test does not grow the farm without bound.
    private static final int KEEP_SERIES = 10_000;
    /** The stored series by metric name, ties in creation order. */
    private static final ResourceStore.Ordering BY_METRIC =
            new ResourceStore.Ordering("datadog:metric", n -> n.path("metric"), Comparator.comparing(JsonNode::asText));
    // A query as the v1 query API takes it: [aggr:]metric{scope}[ by {tags}]
    // (docs.datadoghq.com/metrics/#querying-metrics).
    private static final Pattern QUERY = Pattern.compile(
            "^\\s*(?:(avg|sum|min|max):)?([A-Za-z][A-Za-z0-9_.]*)\\s*\\{([^}]*)}\\s*(?:by\\s*\\{([^}]*)})?\\s*$");
    private static final Set<String> V1_TYPES = Set.of("", "gauge", "count", "rate");
    private static final Set<String> META_TYPES = Set.of("gauge", "count", "rate", "distribution");
    private static final Map<String, String> INTEGRATIONS = Map.of(
            "system",
            "system",
            "docker",
            "docker",
            "kubernetes",
            "kubernetes",
            "nginx",
            "nginx",
            "postgresql",
            "postgres",
            "redis",
            "redisdb",
            "jvm",
            "java",
            "aws",
            "amazon_web_services",
            "trace",
            "apm");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** A request Datadog refuses, with its status and messages. */
    private static final class Refusal extends RuntimeException {
        final int status;
        final List<String> messages;

        Refusal(int status, List<String> messages) {
            super(String.join("; ", messages), null, false, false);
            this.status = status;
            this.messages = messages;
        }

        Refusal(int status, String message) {
            this(status, List.of(message));
        }
    }

    // ---- endpoints ----

    /** POST /api/v2/series: {"series":[{"metric","type","points":[{"timestamp","value"}],"resources","tags"}]} → 202 {"errors":[]}. */
    Reply submitV2(Call call) {
        return guard(call, "series_submission", () -> {
            JsonNode series = seriesArray(json(body(call)));
            List<String> errors = new ArrayList<>();
            List<ObjectNode> records = new ArrayList<>();
            for (int i = 0; i < series.size(); i++) {
                ObjectNode record = v2Series(series.get(i), "series[" + i + "]", errors);
                if (record != null) records.add(record);
            }
            // A malformed item rejects the whole payload: nothing of it is stored.
            if (!errors.isEmpty()) throw new Refusal(400, errors);
            records.forEach(r -> commit(call, r));
            return Reply.json(202, Map.of("errors", List.of()));
        });
    }

    /** POST /api/v1/series: {"series":[{"metric","points":[[ts,value]],"type","host","tags"}]} → 202 {"status":"ok"}. */
    Reply submitV1(Call call) {
        return guard(call, "series_submission", () -> {
            JsonNode series = seriesArray(json(body(call)));
            List<String> errors = new ArrayList<>();
            List<ObjectNode> records = new ArrayList<>();
            for (int i = 0; i < series.size(); i++) {
                ObjectNode record = v1Series(series.get(i), "series[" + i + "]", errors);
                if (record != null) records.add(record);
            }
            if (!errors.isEmpty()) throw new Refusal(400, errors);
            records.forEach(r -> commit(call, r));
            return Reply.json(202, Map.of("status", "ok"));
        });
    }

    /** GET /api/v1/query?from&to&query: the points submitted (or, for seeded metrics never submitted, generated). */
    Reply query(Call call) {
        return guard(call, "query_timeseries", () -> {
            long from = epoch(call, "from");
            long to = epoch(call, "to");
            String query = call.request().query("query");
            if (query == null || query.isBlank()) throw new Refusal(400, "Missing required parameter 'query'");
            if (from > to) throw new Refusal(400, "The 'from' parameter must be before the 'to' parameter");
            Matcher m = QUERY.matcher(query);
            if (!m.matches())
                throw new Refusal(
                        400, "Error parsing query: unable to parse " + query + ": Rule 'scope_expr' didn't match");
            String aggr = m.group(1) == null ? "avg" : m.group(1);
            String metric = m.group(2);
            List<String> scope = tags(m.group(3));
            List<String> by = tags(m.group(4));

            // group tags -> timestamp -> values, over every stored series of the metric that the scope selects
            Map<List<String>, TreeMap<Long, List<Double>>> groups = new LinkedHashMap<>();
            boolean submitted = false;
            ResourceStore store = call.service().stores().get(SERIES);
            if (store != null) {
                for (Iterator<ObjectNode> it = seriesOf(store, metric, false); it.hasNext(); ) {
                    ObjectNode s = it.next();
                    if (!metric.equals(s.path("metric").asText())) break;
                    submitted = true;
                    Set<String> tags = tagsOf(s);
                    if (!tags.containsAll(scope)) continue;
                    List<String> group = new ArrayList<>();
                    for (String key : by) group.add(key + ":" + valueOf(tags, key));
                    var points = groups.computeIfAbsent(group, g -> new TreeMap<>());
                    for (JsonNode p : s.path("points")) {
                        long ts = p.path("timestamp").asLong();
                        if (ts >= from && ts <= to)
                            points.computeIfAbsent(ts, t -> new ArrayList<>())
                                    .add(p.path("value").asDouble());
                    }
                }
            }
            ArrayNode out = F.arrayNode();
            for (var g : groups.entrySet()) {
                if (g.getValue().isEmpty()) continue;
                ObjectNode s = seriesObject(metric, aggr, scope, by, g.getKey(), aggregate(g.getValue(), aggr), 1);
                out.add(call.present(SERIES, s));
            }
            ResourceStore metrics = call.service().stores().get(METRICS);
            if (!submitted && metrics != null && metrics.get(metric) != null) {
                long step = Math.max(60, (to - from + 299) / 300);
                long now = call.farm().clock().instant().getEpochSecond();
                TreeMap<Long, Double> points = generated(metric, from, Math.min(to, now), step);
                if (!points.isEmpty())
                    out.add(call.present(SERIES, seriesObject(metric, aggr, scope, by, List.of(), points, step)));
            }
            ObjectNode body = F.objectNode();
            body.put("status", "ok");
            body.put("res_type", "time_series");
            body.put("resp_version", 1);
            body.put("query", query);
            body.put("from_date", from * 1000);
            body.put("to_date", to * 1000);
            body.set("series", out);
            body.putArray("values");
            body.putArray("times");
            body.put("message", "");
            ArrayNode groupBy = body.putArray("group_by");
            by.forEach(groupBy::add);
            return Reply.json(200, body);
        });
    }

    /** The series of one metric in creation order (or newest first), and whatever follows them in the metric index. */
    private static Iterator<ObjectNode> seriesOf(ResourceStore store, String metric, boolean newestFirst) {
        return newestFirst
                ? store.walk(BY_METRIC, F.textNode(metric), Long.MAX_VALUE, true, true)
                : store.walk(BY_METRIC, F.textNode(metric), Long.MIN_VALUE, true, false);
    }

    private static boolean hasPointSince(ObjectNode series, long from) {
        for (JsonNode p : series.path("points")) {
            if (p.path("timestamp").asLong() >= from) return true;
        }
        return false;
    }

    /** GET /api/v1/metrics?from: {"from":"…","metrics":[names]} — the seeded metrics and those submitted since from. */
    Reply activeMetrics(Call call) {
        return guard(call, "metrics_list", () -> {
            long from = epoch(call, "from");
            Set<String> names = new LinkedHashSet<>();
            ResourceStore metrics = call.service().stores().get(METRICS);
            if (metrics != null)
                metrics.all().forEach(r -> names.add(r.path("metric").asText()));
            ResourceStore store = call.service().stores().get(SERIES);
            if (store != null) {
                // The series by metric name: each metric's run is walked until one series has a point since `from`,
                // then skipped in one step, so the cost follows the metrics, not the series.
                Iterator<ObjectNode> it = store.walk(BY_METRIC, null, 0, false, false);
                while (it.hasNext()) {
                    ObjectNode s = it.next();
                    String name = s.path("metric").asText();
                    if (!names.contains(name) && hasPointSince(s, from)) names.add(name);
                    if (names.contains(name))
                        it = store.walk(BY_METRIC, F.textNode(name), Long.MAX_VALUE, false, false);
                }
            }
            ObjectNode body = F.objectNode();
            body.put("from", Long.toString(from));
            ArrayNode list = body.putArray("metrics");
            names.forEach(list::add);
            return Reply.json(200, body);
        });
    }

    /** GET /api/v1/metrics/{metric_name}: {"description","integration","per_unit","short_name","statsd_interval","type","unit"}. */
    Reply metadata(Call call) {
        return guard(call, "metric_metadata", () -> {
            String name = call.request().pathParam("metric_name");
            ResourceStore metrics = call.service().stores().get(METRICS);
            ObjectNode seeded = metrics == null ? null : metrics.get(name);
            ObjectNode submitted = null;
            ResourceStore store = call.service().stores().get(SERIES);
            if (seeded == null && store != null) {
                // The newest series of the metric: its run in the metric index, walked down from its end.
                Iterator<ObjectNode> newest = seriesOf(store, name, true);
                ObjectNode s = newest.hasNext() ? newest.next() : null;
                if (s != null && name.equals(s.path("metric").asText())) submitted = s;
            }
            if (seeded == null && submitted == null) throw new Refusal(404, "Not found");
            return Reply.json(200, call.present(METRICS, metadataOf(name, seeded, submitted)));
        });
    }

    /** GET /api/v1/validate: {"valid":true} once the key passed (a bad key never gets here: 403). */
    Reply validate(Call call) {
        return finish(call, Reply.json(200, Map.of("valid", true)), "validate");
    }

    // ---- shared steps ----

    private static Reply guard(Call call, String limitName, Supplier<Reply> body) {
        Reply reply;
        try {
            reply = body.get();
        } catch (Refusal e) {
            reply = DatadogVendor.errors(e.status, e.messages.toArray(String[]::new));
        }
        return finish(call, reply, limitName);
    }

    /** The headers only a handler knows: the limit's period (time to refill a full bucket) and the limit's name. */
    private static Reply finish(Call call, Reply reply, String limitName) {
        RateLimitSpec spec = call.service().spec().rateLimit();
        reply.header("X-RateLimit-Period", spec.periodSeconds());
        reply.header("X-RateLimit-Name", limitName);
        return reply;
    }

    static long longHeader(Reply reply, String name, long fallback) {
        String v = reply.headers().get(name);
        if (v == null) return fallback;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Stores one validated series (oldest dropped past the cap) and commits it, with the op id of its op_id: tag. */
    private static void commit(Call call, ObjectNode record) {
        String opId = null;
        for (JsonNode t : record.path("tags")) {
            if (t.asText().startsWith("op_id:")) {
                opId = t.asText().substring("op_id:".length());
                break;
            }
        }
        if (opId == null || opId.isEmpty()) opId = call.opIdOf(record);
        String id = null;
        ResourceStore store = call.service().stores().get(SERIES);
        if (store != null) {
            id = store.create(record).path(store.idField()).asText();
            while (store.size() > KEEP_SERIES) {
                var oldest = store.page(0, 1).records();
                if (oldest.isEmpty()) break;
                store.delete(oldest.getFirst().path(store.idField()).asText());
            }
        }
        call.commitWithOpId(SERIES, "submit", opId, id);
    }

    /** The request body, decompressed as its Content-Encoding says (Datadog takes deflate, gzip and zstd1). */
    private static byte[] body(Call call) {
        byte[] raw = call.request().body();
        String encoding = call.request().header("Content-Encoding");
        encoding = encoding == null ? "" : encoding.trim().toLowerCase();
        return switch (encoding) {
            case "", "identity" -> raw;
            case "gzip", "x-gzip" -> inflate(() -> new GZIPInputStream(new ByteArrayInputStream(raw)), "gzip");
            // HTTP's deflate is zlib-wrapped; some clients send raw deflate, so that is tried when zlib fails.
            case "deflate" -> {
                try {
                    yield inflate(() -> new InflaterInputStream(new ByteArrayInputStream(raw)), "deflate");
                } catch (Refusal e) {
                    if (e.status != 400) throw e;
                    yield inflate(
                            () -> new InflaterInputStream(new ByteArrayInputStream(raw), new Inflater(true)),
                            "deflate");
                }
            }
            default ->
                throw new Refusal(
                        415,
                        "Unsupported Content-Encoding: " + encoding
                                + " (the API Farm decodes gzip and deflate; zstd1 is not available here)");
        };
    }

    /** Opens a decompressing stream; a stream that cannot even be opened (bad header) is as corrupt as a bad body. */
    @FunctionalInterface
    private interface StreamOpener {
        InputStream open() throws IOException;
    }

    private static byte[] inflate(StreamOpener opener, String encoding) {
        try (InputStream in = opener.open()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[16384];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > MAX_DECOMPRESSED) throw new Refusal(413, "Payload too large");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new Refusal(400, "Payload could not be decompressed as " + encoding + ": " + e.getMessage());
        }
    }

    private static JsonNode json(byte[] body) {
        try {
            JsonNode node = body.length == 0 ? null : Reply.JSON.readTree(body);
            if (node == null || node.isMissingNode())
                throw new Refusal(400, "Payload is not in the expected format: unexpected end of JSON input");
            return node;
        } catch (JsonProcessingException e) {
            // Datadog's wording for a body it cannot parse (kamon-io/Kamon#719, javamelody#701).
            throw new Refusal(400, "Payload is not in the expected format: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Refusal(400, "Payload is not in the expected format: " + e.getMessage());
        }
    }

    private static JsonNode seriesArray(JsonNode root) {
        JsonNode series = root.isObject() ? root.get("series") : null;
        if (series == null || !series.isArray()) {
            throw new Refusal(
                    400,
                    "Payload is not in the expected format: 'series' is required and must be an array of timeseries");
        }
        return series;
    }

    /** A v2 series item checked against the API reference's schema; null (with errors added) when it does not fit. */
    private static ObjectNode v2Series(JsonNode item, String at, List<String> errors) {
        if (!item.isObject()) {
            errors.add(at + " must be an object");
            return null;
        }
        int before = errors.size();
        String metric = metricName(item, at, errors);
        JsonNode type = item.get("type");
        if (type != null && !type.isNull() && (!type.isIntegralNumber() || type.asInt() < 0 || type.asInt() > 3)) {
            errors.add(at + ".type must be one of 0 (unspecified), 1 (count), 2 (rate), 3 (gauge)");
        }
        JsonNode points = item.get("points");
        ArrayNode kept = F.arrayNode();
        if (points == null || !points.isArray() || points.isEmpty()) {
            errors.add(at + ".points is required and must be a non-empty array");
        } else {
            for (int j = 0; j < points.size(); j++) {
                JsonNode p = points.get(j);
                // The schema says int64 seconds; a whole number sent as 1.7E9 is taken too, as JSON does not tell them
                // apart.
                if (!p.isObject()
                        || !p.path("timestamp").isNumber()
                        || !p.path("value").isNumber()) {
                    errors.add(
                            at + ".points[" + j + "] must be an object with a numeric timestamp and a numeric value");
                } else {
                    kept.addObject()
                            .put("timestamp", p.get("timestamp").asLong())
                            .put("value", p.get("value").asDouble());
                }
            }
        }
        ArrayNode tags = stringArray(item.get("tags"), at + ".tags", errors);
        JsonNode resources = item.get("resources");
        if (resources != null && !resources.isNull() && !resources.isArray())
            errors.add(at + ".resources must be an array of {name, type}");
        JsonNode interval = item.get("interval");
        if (interval != null && !interval.isNull() && !interval.isIntegralNumber())
            errors.add(at + ".interval must be an integer");
        if (errors.size() > before) return null;
        ObjectNode record = F.objectNode();
        record.put("metric", metric);
        record.put("type", type == null || type.isNull() ? 0 : type.asInt());
        record.set("points", kept);
        record.set("tags", tags);
        record.set("resources", resources == null || resources.isNull() ? F.arrayNode() : resources);
        if (interval != null && !interval.isNull()) record.put("interval", interval.asLong());
        if (item.hasNonNull("unit")) record.put("unit", item.get("unit").asText());
        return record;
    }

    /** A v1 series item ({"points":[[ts,value]], "type":"gauge", "host"}), stored in the v2 shape. */
    private static ObjectNode v1Series(JsonNode item, String at, List<String> errors) {
        if (!item.isObject()) {
            errors.add(at + " must be an object");
            return null;
        }
        int before = errors.size();
        String metric = metricName(item, at, errors);
        String type = item.path("type").asText("");
        if (!V1_TYPES.contains(type)) errors.add(at + ".type must be gauge, count or rate");
        JsonNode points = item.get("points");
        ArrayNode kept = F.arrayNode();
        if (points == null || !points.isArray() || points.isEmpty()) {
            errors.add(at + ".points is required and must be a non-empty array of [timestamp, value]");
        } else {
            for (int j = 0; j < points.size(); j++) {
                JsonNode p = points.get(j);
                if (!p.isArray()
                        || p.size() != 2
                        || !p.get(0).isNumber()
                        || !p.get(1).isNumber()) {
                    errors.add(at + ".points[" + j + "] must be [timestamp, value]");
                } else {
                    kept.addObject()
                            .put("timestamp", p.get(0).asLong())
                            .put("value", p.get(1).asDouble());
                }
            }
        }
        ArrayNode tags = stringArray(item.get("tags"), at + ".tags", errors);
        if (errors.size() > before) return null;
        ObjectNode record = F.objectNode();
        record.put("metric", metric);
        record.put(
                "type",
                switch (type) {
                    case "count" -> 1;
                    case "rate" -> 2;
                    case "gauge" -> 3;
                    default -> 0;
                });
        record.set("points", kept);
        record.set("tags", tags);
        ArrayNode resources = record.putArray("resources");
        if (item.hasNonNull("host"))
            resources.addObject().put("name", item.get("host").asText()).put("type", "host");
        if (item.path("interval").isIntegralNumber())
            record.put("interval", item.get("interval").asLong());
        return record;
    }

    private static String metricName(JsonNode item, String at, List<String> errors) {
        JsonNode metric = item.get("metric");
        if (metric == null || !metric.isTextual() || metric.asText().isBlank()) {
            errors.add(at + ".metric is required");
            return null;
        }
        // Datadog caps metric names at 200 characters
        // (docs.datadoghq.com/metrics/custom_metrics/#naming-custom-metrics).
        if (metric.asText().length() > 200) errors.add(at + ".metric must be at most 200 characters");
        return metric.asText();
    }

    private static ArrayNode stringArray(JsonNode node, String at, List<String> errors) {
        ArrayNode out = F.arrayNode();
        if (node == null || node.isNull()) return out;
        if (!node.isArray()) {
            errors.add(at + " must be an array of strings");
            return out;
        }
        for (JsonNode t : node) {
            if (!t.isTextual()) {
                errors.add(at + " must be an array of strings");
                return out;
            }
            out.add(t.asText());
        }
        return out;
    }

    private static long epoch(Call call, String param) {
        String v = call.request().query(param);
        if (v == null || v.isBlank()) throw new Refusal(400, "Missing required parameter '" + param + "'");
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new Refusal(400, "The value provided for parameter '" + param + "' is invalid: " + v);
        }
    }

    private static List<String> tags(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) return out;
        for (String t : text.split(",")) {
            String s = t.trim();
            if (!s.isEmpty() && !s.equals("*")) out.add(s);
        }
        return out;
    }

    /** A series' tags, with its host resource as host:<name> (how Datadog scopes by host). */
    private static Set<String> tagsOf(ObjectNode series) {
        Set<String> tags = new LinkedHashSet<>();
        series.path("tags").forEach(t -> tags.add(t.asText()));
        series.path("resources").forEach(r -> {
            if ("host".equals(r.path("type").asText()))
                tags.add("host:" + r.path("name").asText());
        });
        return tags;
    }

    private static String valueOf(Set<String> tags, String key) {
        for (String t : tags) {
            if (t.startsWith(key + ":")) return t.substring(key.length() + 1);
        }
        return "N/A";
    }

    private static TreeMap<Long, Double> aggregate(TreeMap<Long, List<Double>> points, String aggr) {
        TreeMap<Long, Double> out = new TreeMap<>();
        points.forEach((ts, values) -> out.put(
                ts,
                switch (aggr) {
                    case "sum" ->
                        values.stream().mapToDouble(Double::doubleValue).sum();
                    case "min" ->
                        values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
                    case "max" ->
                        values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
                    default ->
                        values.stream()
                                .mapToDouble(Double::doubleValue)
                                .average()
                                .orElse(0);
                }));
        return out;
    }

    /** Points for a metric nobody submitted: a smooth wave with a little seeded noise, the same for the same query. */
    private static TreeMap<Long, Double> generated(String metric, long from, long to, long step) {
        TreeMap<Long, Double> out = new TreeMap<>();
        double phase = Math.floorMod(metric.hashCode(), 628) / 100.0;
        for (long ts = (from + step - 1) / step * step; ts <= to; ts += step) {
            double noise = Math.floorMod(Long.hashCode(ts * 31 + metric.hashCode()), 1000) / 100.0;
            out.put(ts, Math.round((50 + 30 * Math.sin(ts / 3600.0 + phase) + noise) * 100) / 100.0);
        }
        return out;
    }

    /** One series of a query answer, shaped like the v1 query API's (pointlist timestamps in milliseconds). */
    private static ObjectNode seriesObject(
            String metric,
            String aggr,
            List<String> scope,
            List<String> by,
            List<String> group,
            TreeMap<Long, Double> points,
            long interval) {
        List<String> scopeTags = new ArrayList<>(scope);
        scopeTags.addAll(group);
        String scopeText = scopeTags.isEmpty() ? "*" : String.join(",", scopeTags);
        String expression = aggr + ":" + metric + "{" + (scope.isEmpty() ? "*" : String.join(",", scope)) + "}"
                + (by.isEmpty() ? "" : " by {" + String.join(",", by) + "}");
        ObjectNode s = F.objectNode();
        s.put("metric", metric);
        s.put("display_name", metric);
        s.putNull("unit");
        ArrayNode list = s.putArray("pointlist");
        points.forEach((ts, v) -> list.addArray().add((double) ts * 1000).add(v));
        s.put("start", (double) points.firstKey() * 1000);
        s.put("end", (double) points.lastKey() * 1000);
        s.put("interval", interval);
        s.put("length", points.size());
        s.put("aggr", aggr);
        s.put("scope", scopeText);
        s.put("expression", expression);
        ArrayNode tagSet = s.putArray("tag_set");
        group.forEach(tagSet::add);
        s.putObject("attributes");
        s.put("query_index", 0);
        return s;
    }

    /** Metric metadata in the API's field order, from a seeded record or, for a submitted-only metric, from its series. */
    private static ObjectNode metadataOf(String name, ObjectNode seeded, ObjectNode submitted) {
        int h = Math.floorMod(name.hashCode(), 1000);
        String type;
        if (seeded != null) {
            String stored = seeded.path("type").asText("");
            type = META_TYPES.contains(stored)
                    ? stored
                    : List.of("gauge", "count", "rate").get(h % 3);
        } else {
            type = switch (submitted.path("type").asInt()) {
                case 1 -> "count";
                case 2 -> "rate";
                default -> "gauge";
            };
        }
        String[] parts = name.split("\\.");
        ObjectNode m = F.objectNode();
        if (seeded != null && seeded.hasNonNull("description"))
            m.put("description", seeded.get("description").asText());
        else m.putNull("description");
        String integration = INTEGRATIONS.get(parts[0]);
        if (integration == null) m.putNull("integration");
        else m.put("integration", integration);
        m.putNull("per_unit");
        m.put(
                "short_name",
                parts.length >= 2
                        ? parts[parts.length - 2].replace('_', ' ') + " " + parts[parts.length - 1].replace('_', ' ')
                        : name);
        m.put("statsd_interval", 10);
        m.put("type", type);
        String unit = unitOf(name);
        if (submitted != null && submitted.hasNonNull("unit"))
            unit = submitted.get("unit").asText();
        if (unit == null) m.putNull("unit");
        else m.put("unit", unit);
        return m;
    }

    private static String unitOf(String name) {
        if (name.contains("cpu") || name.endsWith("in_use")) return "percent";
        if (name.contains("mem")
                || name.contains("bytes")
                || name.contains("disk")
                || name.contains("heap")
                || name.contains("swap")) return "byte";
        if (name.contains("latency") || name.contains("duration") || name.contains("_time") || name.contains("uptime"))
            return "second";
        if (name.contains("connections") || name.contains("clients")) return "connection";
        if (name.contains("request") || name.contains("hits")) return "request";
        return null;
    }
}
