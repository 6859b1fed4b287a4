package dev.gauntlet.mesh.internal.limit;

import java.util.List;
import java.util.Map;

/**
 * What an answer says about the upstream's request bucket, read from the vendor's headers: GitHub
 * {@code x-ratelimit-limit/remaining}, Datadog and generic {@code X-RateLimit-Limit/Remaining/Period}, Salesforce
 * {@code Sforce-Limit-Info: api-usage=used/limit}. -1 where the answer says nothing.
 *
 * <p>Reset headers are not read here: the farm (like many token-bucket vendors) rounds them to whole seconds, which
 * at a few hundred calls per second says nothing about the refill rate; the remaining count seen over time does.
 *
 * @param limit     the bucket's size (capacity, or calls per period)
 * @param remaining calls left in the bucket
 */
record UpstreamQuota(long limit, long remaining) {

    public static final UpstreamQuota NONE = new UpstreamQuota(-1, -1);

    public boolean known() {
        return remaining >= 0;
    }

    /** One pass over the headers (no per-header lookups on the hot path). */
    public static UpstreamQuota of(Map<String, List<String>> headers) {
        long limit = -1;
        long remaining = -1;
        for (var e : headers.entrySet()) {
            String name = e.getKey();
            // Every name we want is 17+ characters long and starts with x- or s: skip the rest cheaply.
            if (name.length() < 17 || e.getValue().isEmpty()) continue;
            if (name.equalsIgnoreCase("x-ratelimit-remaining")) {
                remaining = number(e.getValue().getFirst());
            } else if (name.equalsIgnoreCase("x-ratelimit-limit")) {
                limit = number(e.getValue().getFirst());
            } else if (name.equalsIgnoreCase("sforce-limit-info")) {
                long[] usage = apiUsage(e.getValue().getFirst());
                if (usage != null) {
                    limit = usage[1];
                    remaining = Math.max(0, usage[1] - usage[0]);
                }
            }
        }
        if (limit < 0 && remaining < 0) return NONE;
        return new UpstreamQuota(limit, remaining);
    }

    /** {@code api-usage=18/5000} → {18, 5000}; null when it is not that. */
    static long[] apiUsage(String v) {
        int at = v.indexOf("api-usage=");
        if (at < 0) return null;
        int slash = v.indexOf('/', at);
        if (slash < 0) return null;
        int end = slash + 1;
        while (end < v.length() && Character.isDigit(v.charAt(end))) end++;
        long used = number(v.substring(at + 10, slash));
        long limit = number(v.substring(slash + 1, end));
        return used < 0 || limit < 0 ? null : new long[] {used, limit};
    }

    /** A non-negative integer, or -1 for anything else (never throws: a vendor's junk must not fail a call). */
    static long number(String s) {
        if (s == null) return -1;
        s = s.trim();
        if (s.isEmpty() || s.length() > 18) return -1;
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
