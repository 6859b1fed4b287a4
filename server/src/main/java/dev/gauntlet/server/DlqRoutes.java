package dev.gauntlet.server;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.dlq.DlqState;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code /dlq}: the dead-letter queue: list, inspect, replay (one or all), discard. */
final class DlqRoutes {

    private final DlqBackend dlq;
    private final Supplier<List<String>> connectorIds;
    private final ReplayJobs jobs;

    DlqRoutes(DlqBackend dlq, Supplier<List<String>> connectorIds, java.time.InstantSource clock) {
        this.dlq = dlq;
        this.connectorIds = connectorIds;
        this.jobs = new ReplayJobs(dlq, clock);
    }

    void register(Endpoints api) {
        // Before /dlq/{id}, which would take "replays" for an entry id.
        api.get("/dlq/replays", "Replay-all jobs, newest first (the newest " + ReplayJobs.KEEP + ")", "{\"jobs\":[job]}", this::jobs);
        api.get("/dlq/replays/{job}", "A replay-all job's progress; once no longer running (finished, failed) also each entry's result",
                "{\"id\",\"connector\",\"state\":\"running|finished|failed\",\"total\",\"done\",\"succeeded\",\"failed\",\"skipped\","
                        + "\"started_at\",\"finished_at\",\"error\",\"location\",\"results\":[{\"id\",\"outcome\",\"status\",\"message\"}]}", this::job);
        api.get("/dlq", "Parked writes, newest first, with counts; filters ?connector=ID, ?state=" + STATES + ", ?error_class="
                + CLASSES + ", ?limit=N (1-100000, default 1000)", "{\"entries\":[…],\"stats\":{…}}", this::list);
        api.get("/dlq/{id}", "One parked write and its attempt history (the live call's, then each replay's)",
                "the entry and \"history\":[{\"number\",\"at\",\"duration_ms\",\"status\",\"error_class\",\"message\"}]", this::one);
        api.add(HandlerType.POST, "/dlq/{id}/replay", "Replay one parked write now, with the key it was first sent with", null,
                "{\"id\",\"outcome\",\"status\",\"message\"}", this::replay);
        api.add(HandlerType.POST, "/dlq/replay", "Start replaying every pending and dead write (?connector=ID for one connector) in the"
                        + " background: 202 with the job and a Location to follow; while a job of the same filter runs, that job is the answer",
                null, "202 {\"id\",\"connector\",\"state\":\"running\",\"total\",\"done\",\"succeeded\",\"failed\",\"skipped\",\"location\"}", this::replayAll);
        api.add(HandlerType.DELETE, "/dlq/{id}", "Discard a parked write without replaying it", null, "{\"discarded\":id}", this::discard);
    }

    private String connector(Context ctx) {
        String c = ctx.queryParam("connector");
        if (c == null || c.isBlank()) return null;
        List<String> known = connectorIds.get();
        if (!known.contains(c)) throw ApiError.badRequest("connector", "unknown connector '" + c + "'; known: " + known);
        return c;
    }

    static final List<String> STATES = Arrays.stream(DlqState.values()).map(Enum::name).toList();
    static final List<String> CLASSES = Arrays.stream(ErrorClass.values()).map(Enum::name).toList();

    private static String oneOf(Context ctx, String param, List<String> allowed) {
        String v = ctx.queryParam(param);
        if (v == null || v.isBlank()) return null;
        if (!allowed.contains(v)) throw ApiError.badRequest(param, param + " must be one of " + allowed + ", was '" + v + "'");
        return v;
    }

    private void list(Context ctx) {
        var filter = new DlqBackend.Filter(connector(ctx), oneOf(ctx, "state", STATES), oneOf(ctx, "error_class", CLASSES), limit(ctx));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entries", dlq.list(filter));
        out.put("stats", dlq.stats());
        Json.reply(ctx, 200, out);
    }

    /** How many entries a listing shows: a checker reading every held op id asks for all of them. */
    static final int DEFAULT_LIMIT = 1_000;
    static final int MAX_LIMIT = 100_000;

    private static int limit(Context ctx) {
        String v = ctx.queryParam("limit");
        if (v == null || v.isBlank()) return DEFAULT_LIMIT;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= MAX_LIMIT) return n;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiError.badRequest("limit", "limit must be a whole number from 1 to " + MAX_LIMIT + ", was '" + v + "'");
    }

    private void one(Context ctx) {
        String id = ctx.pathParam("id");
        DlqBackend.Entry entry = dlq.get(id).orElseThrow(() -> ApiError.notFound("DLQ entry", id, null));
        Map<String, Object> out = Json.fields(entry);
        out.put("history", dlq.history(id));
        Json.reply(ctx, 200, out);
    }

    private void replay(Context ctx) {
        String id = ctx.pathParam("id");
        Json.reply(ctx, 200, dlq.replay(id).orElseThrow(() -> ApiError.notFound("DLQ entry", id, null)));
    }

    private void replayAll(Context ctx) {
        String connector = connector(ctx);
        dlq.stats(); // a DLQ that is not there answers now (503), not from a job that fails later
        ReplayJobs.Started started = jobs.start(connector);
        Map<String, Object> out = started.job().view();
        out.put("started", started.isNew());
        ctx.header("Location", started.job().location());
        Json.reply(ctx, 202, out);
    }

    private void jobs(Context ctx) {
        Json.reply(ctx, 200, Map.of("jobs", jobs.list()));
    }

    private void job(Context ctx) {
        String id = ctx.pathParam("job");
        Json.reply(ctx, 200, jobs.get(id).orElseThrow(() -> ApiError.notFound("replay job", id, null)).view());
    }

    private void discard(Context ctx) {
        String id = ctx.pathParam("id");
        if (!dlq.discard(id)) throw ApiError.notFound("DLQ entry", id, null);
        Json.reply(ctx, 200, Map.of("discarded", id));
    }
}
