package dev.gauntlet.farm.spec;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A vendor's limit beside its primary {@code rate_limit}, checked right after it (GitHub's secondary rate limits:
 * concurrent requests, points per minute, content-creating requests per minute and per hour). A refused request gets
 * the vendor's secondary-limit answer, whose primary rate-limit headers stay as they are.
 * <ul>
 *   <li>{@code kind: window} (the default): at most {@code limit} points per window of {@code window_s}, the window
 *       starting with the first counted request and resetting all at once;</li>
 *   <li>{@code kind: concurrent}: at most {@code limit} requests in flight at once (from the rate-limit decision until
 *       the answer is written).</li>
 * </ul>
 * Windows may be shorter than the vendor's (a 1 s "minute") so a test run meets resets; the chaos level's rate-limit
 * factor scales {@code limit}.
 *
 * @param name    what the limit is called in docs and logs, unique within the service
 * @param methods the HTTP methods that count (e.g. {@code [POST]} for content creation); empty: every method
 * @param points  points a request of a method costs, {@code default} for the others; absent: 1 each (window only)
 * @param per     {@code client} (one count per API key or OAuth client, the default) or {@code endpoint} (one per client
 *                and route, as GitHub counts points "to a single endpoint")
 */
public record SecondaryLimitSpec(
        String name,
        String kind,
        Long limit,
        Long windowS,
        List<String> methods,
        Map<String, Integer> points,
        String per) {

    /** The kinds a secondary limit can have. */
    public static final List<String> KINDS = List.of("window", "concurrent");

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE");

    public SecondaryLimitSpec {
        Check.text("secondary_limits[].name", name);
        String at = "secondary_limits[" + name + "]";
        kind = kind == null ? "window" : kind;
        if (!KINDS.contains(kind))
            throw new IllegalArgumentException(at + ".kind must be one of " + KINDS + ", was '" + kind + "'");
        if (limit == null) throw new IllegalArgumentException(at + ".limit is required");
        limit = Check.atLeast(at + ".limit", 1, limit);
        per = per == null ? "client" : per;
        if (!per.equals("client") && !per.equals("endpoint")) {
            throw new IllegalArgumentException(at + ".per must be 'client' or 'endpoint', was '" + per + "'");
        }
        methods = methods == null
                ? List.of()
                : methods.stream().map(m -> method(at + ".methods", m)).toList();
        TreeMap<String, Integer> costs = new TreeMap<>();
        if (points != null) {
            for (var e : points.entrySet()) {
                String key = e.getKey().equals("default") ? "default" : method(at + ".points", e.getKey());
                if (e.getValue() == null)
                    throw new IllegalArgumentException(at + ".points." + e.getKey() + " is required, was missing");
                costs.put(key, (int) Check.atLeast(at + ".points." + e.getKey(), 1, e.getValue()));
            }
        }
        points = Map.copyOf(costs);
        if (kind.equals("window")) {
            if (windowS == null) throw new IllegalArgumentException(at + ".window_s is required for kind window");
            windowS = Check.atLeast(at + ".window_s", 1, windowS);
        } else {
            if (windowS != null)
                throw new IllegalArgumentException(
                        at + ".window_s belongs to kind window; a concurrent limit has none");
            if (!points.isEmpty())
                throw new IllegalArgumentException(
                        at + ".points belong to kind window; a concurrent limit counts requests");
        }
    }

    private static String method(String field, String value) {
        String m = value == null ? "" : value.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(m)) {
            throw new IllegalArgumentException(
                    field + " must name HTTP methods " + new TreeSet<>(METHODS) + ", was '" + value + "'");
        }
        return m;
    }

    public boolean isConcurrent() {
        return kind.equals("concurrent");
    }

    /** What a request of this method costs against the limit: 0 when the limit does not count the method. */
    public int cost(String method) {
        if (!methods.isEmpty() && !methods.contains(method)) return 0;
        return points.getOrDefault(method, points.getOrDefault("default", 1));
    }
}
