package dev.gauntlet.farm.vendor.datadog;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.limit.LimitDecision;
import dev.gauntlet.farm.vendor.Credential;
import dev.gauntlet.farm.vendor.FarmError;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import dev.gauntlet.farm.vendor.Vendor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Datadog's metrics API: {@code DD-API-KEY} (or {@code ?api_key=}), {@code POST /api/v2/series} and
 * {@code /api/v1/series} answered 202, timeseries queries, the active-metrics list, metric metadata and
 * {@code /api/v1/validate}; errors {@code {"errors":[…]}}, 403 for a bad key, X-RateLimit-* headers on every answer.
 *
 * <p>The service's resources: {@code metrics} (metric metadata, one seeded record per metric name, id field
 * {@code metric}) and {@code series} (submitted timeseries, kept for queries). Drift rules on {@code metrics} change
 * metadata answers; rules on {@code series} change the series objects of query answers.
 */
public final class DatadogVendor implements Vendor {

    // Real metric names for the seeded metadata records, so queries and lists look like an actual account's.
    static final List<String> METRIC_NAMES = List.of(
            "system.cpu.user",
            "system.cpu.system",
            "system.cpu.idle",
            "system.cpu.iowait",
            "system.load.1",
            "system.load.5",
            "system.load.15",
            "system.mem.used",
            "system.mem.free",
            "system.mem.usable",
            "system.disk.used",
            "system.disk.free",
            "system.disk.in_use",
            "system.net.bytes_rcvd",
            "system.net.bytes_sent",
            "system.io.r_s",
            "system.io.w_s",
            "system.swap.used",
            "system.uptime",
            "system.processes.number",
            "docker.cpu.usage",
            "docker.mem.rss",
            "kubernetes.cpu.usage.total",
            "kubernetes.memory.usage",
            "kubernetes.pods.running",
            "nginx.net.request_per_s",
            "nginx.net.connections",
            "postgresql.connections",
            "postgresql.rows_fetched",
            "postgresql.deadlocks",
            "redis.net.clients",
            "redis.mem.used",
            "redis.keys",
            "jvm.heap_memory",
            "jvm.gc.major_collection_time",
            "jvm.thread_count",
            "trace.http.request.hits",
            "trace.http.request.errors",
            "trace.http.request.duration",
            "aws.ec2.cpuutilization",
            "aws.rds.cpuutilization",
            "aws.elb.request_count",
            "aws.sqs.approximate_number_of_messages_visible",
            "http.requests.count",
            "app.checkout.latency",
            "app.orders.created",
            "app.payments.failed",
            "app.queue.depth");

    @Override
    public String name() {
        return "datadog";
    }

    /** Datadog clients send the key in DD-API-KEY; the older libraries and the agent put it in ?api_key=. */
    @Override
    public Credential credential(FarmRequest request) {
        String key = request.header("DD-API-KEY");
        if (key == null || key.isEmpty()) key = request.query("api_key");
        return new Credential(null, key == null || key.isEmpty() ? null : key);
    }

    @Override
    public Reply error(FarmError error) {
        return switch (error.kind()) {
            // Datadog answers a missing or wrong key with 403 and this body (DataDog/datadogpy#724,
            // dbader/node-datadog-metrics#115).
            case AUTH_MISSING, AUTH_INVALID, AUTH_EXPIRED -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("status", "error");
                body.put("code", 403);
                body.put("errors", List.of("Forbidden"));
                body.put("statuspage", "http://status.datadoghq.com");
                body.put("twitter", "http://twitter.com/datadogops");
                body.put("email", "support@datadoghq.com");
                yield Reply.json(403, body);
            }
            case RATE_LIMITED -> errors(429, "Too many requests");
            case SERVER_ERROR -> {
                int status = error.status() == 0 ? 500 : error.status();
                yield errors(
                        status,
                        switch (status) {
                            case 502 -> "Bad Gateway";
                            case 503 -> "Service Unavailable";
                            case 504 -> "Gateway Timeout";
                            default -> "Internal Server Error";
                        });
            }
            case BAD_REQUEST, INVALID_GRANT, IDEMPOTENCY_MISMATCH -> errors(400, error.message());
            // The pipeline's "Unrecognized request URL" is Stripe's wording; Datadog just says Not found.
            case NOT_FOUND -> errors(404, error.code() != null ? error.message() : "Not found");
            case METHOD_NOT_ALLOWED -> errors(405, "Method Not Allowed");
            case PAYLOAD_TOO_LARGE -> errors(413, "Payload too large");
            case IDEMPOTENCY_IN_FLIGHT, CONFLICT -> errors(409, error.message());
        };
    }

    static Reply errors(int status, String... messages) {
        return Reply.json(status, Map.of("errors", List.of(messages)));
    }

    /**
     * Datadog's rate-limit headers (docs.datadoghq.com/api/latest/rate-limits): Limit requests per Period seconds,
     * Remaining in this period, Reset = seconds until it resets, Name of the limit. The farm's limit is a token bucket,
     * so Period is the time to refill a full bucket (burst / max_rps), which handlers know and set; Reset is the time
     * until the bucket is full again, or until the next request is allowed when refused.
     */
    @Override
    public void limitHeaders(LimitDecision limit, Reply reply) {
        long period = DatadogRoutes.longHeader(reply, "X-RateLimit-Period", 0);
        long reset;
        if (!limit.allowed()) {
            reset = limit.retryAfterSeconds();
        } else {
            long missing = Math.max(0, limit.limit() - limit.remaining());
            reset = period <= 0 || limit.limit() <= 0 ? 0 : (missing * period + limit.limit() - 1) / limit.limit();
        }
        // Refused before a handler ran, the period is unknown here: one refill step is the honest lower bound.
        if (period <= 0) reply.header("X-RateLimit-Period", Math.max(1, reset));
        reply.header("X-RateLimit-Limit", limit.limit());
        reply.header("X-RateLimit-Remaining", limit.remaining());
        reply.header("X-RateLimit-Reset", reset);
        if (!reply.headers().containsKey("X-RateLimit-Name")) reply.header("X-RateLimit-Name", "api_requests");
    }

    /** Metric metadata records are keyed by metric name; submitted series get plain sequence ids. */
    @Override
    public ResourceStore.IdMinter ids() {
        return (resource, seq, random) -> {
            if (resource.name().equals(DatadogRoutes.METRICS)) {
                int i = (int) seq - 1;
                return JsonNodeFactory.instance.textNode(
                        i < METRIC_NAMES.size() ? METRIC_NAMES.get(i) : "gauntlet.custom.metric_" + seq);
            }
            return JsonNodeFactory.instance.textNode(resource.name() + "_" + seq);
        };
    }

    @Override
    public void routes(Service service, RouteTable table) {
        DatadogRoutes.register(service, table);
    }
}
