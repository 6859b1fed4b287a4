package dev.gauntlet.server;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqState;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code /dlq}: the dead-letter queue: list, inspect, replay (one or all), discard. */
final class DlqRoutes {

    private final DlqBackend dlq;
    private final Supplier<List<String>> connectorIds;
    private final ReplayJobs jobs;

    DlqRoutes(DlqBackend dlq, Supplier<List<String>> connectorIds, InstantSource clock) {
        this.dlq = dlq;
        this.connectorIds = connectorIds;
        this.jobs = new ReplayJobs(dlq, clock);
    }

    void register(Endpoints api) {
        // Before /dlq/{id}, which would take "replays" for an entry id.
        api.get(
                "/dlq/replays",
                "Replay-all jobs, newest first (the newest " + ReplayJobs.KEEP + ")",
                "{\"jobs\":[job]}",
                ReplayJobs.ReplayJobList.class,
                this::jobs);
        api.get(
                "/dlq/replays/{job}",
                "A replay-all job's progress; once no longer running (finished, failed) also each entry's result",
                "{\"id\",\"connector\",\"state\":\"running|finished|failed\",\"total\",\"done\",\"succeeded\",\"failed\",\"skipped\","
                        + "\"started_at\",\"finished_at\",\"error\",\"location\",\"results\":[{\"id\",\"outcome\",\"status\",\"message\"}]}",
                ReplayJobs.ReplayJob.class,
                this::job);
        api.get(
                "/dlq",
                "Parked writes, newest first, with counts; filters ?connector=ID, ?state=" + STATES + ", ?error_class="
                        + CLASSES + ", ?limit=N (1-100000, default 1000)",
                "{\"entries\":[…],\"stats\":{…}}",
                Listing.class,
                this::list);
        api.get(
                "/dlq/{id}",
                "One parked write and its attempt history (the live call's, replay 0, then each replay's, numbered from 1);"
                        + " past " + DlqEntry.MAX_ATTEMPTS_KEPT + " attempts the first " + DlqEntry.FIRST_ATTEMPTS_KEPT
                        + " and the newest are kept, attempts_omitted says how many are left out between them",
                "the entry (\"attempts\", \"attempts_omitted\"…), \"history\":[{\"replay\",\"number\",\"at\",\"duration_ms\",\"status\","
                        + "\"error_class\",\"message\"}] and \"omitted_after\" (the omitted attempts come after this many of history; null: none)",
                EntryDetail.class,
                this::one);
        api.add(
                HandlerType.POST,
                "/dlq/{id}/replay",
                "Replay one parked write now, with the key it was first sent with",
                null,
                "{\"id\",\"outcome\",\"status\",\"message\"}",
                DlqBackend.Replay.class,
                this::replay);
        api.add(
                HandlerType.POST,
                "/dlq/replay",
                "Start replaying every pending and dead write (?connector=ID for one connector) in the"
                        + " background: 202 with the job and a Location to follow; while a job of the same filter runs, that job is the answer",
                null,
                "202 {\"id\",\"connector\",\"state\":\"running\",\"total\",\"done\",\"succeeded\",\"failed\",\"skipped\",\"location\"}",
                ReplayJobs.ReplayJob.class,
                this::replayAll);
        api.add(
                HandlerType.DELETE,
                "/dlq/{id}",
                "Discard a parked write without replaying it",
                null,
                "{\"discarded\":id}",
                this::discard);
    }

    private String connector(Context ctx) {
        String c = ctx.queryParam("connector");
        if (c == null || c.isBlank()) return null;
        List<String> known = connectorIds.get();
        if (!known.contains(c))
            throw ApiError.badRequest("connector", "unknown connector '" + c + "'; known: " + known);
        return c;
    }

    static final List<String> STATES =
            Arrays.stream(DlqState.values()).map(Enum::name).toList();
    static final List<String> CLASSES =
            Arrays.stream(ErrorClass.values()).map(Enum::name).toList();

    private static String oneOf(Context ctx, String param, List<String> allowed) {
        String v = ctx.queryParam(param);
        if (v == null || v.isBlank()) return null;
        if (!allowed.contains(v))
            throw ApiError.badRequest(param, param + " must be one of " + allowed + ", was '" + v + "'");
        return v;
    }

    private void list(Context ctx) {
        String state = oneOf(ctx, "state", STATES), errorClass = oneOf(ctx, "error_class", CLASSES);
        var filter = new DlqFilter(
                connector(ctx),
                state == null ? null : DlqState.valueOf(state),
                errorClass == null ? null : ErrorClass.valueOf(errorClass),
                limit(ctx));
        Json.reply(
                ctx,
                200,
                new Listing(dlq.list(filter).stream().map(EntryView::of).toList(), dlq.stats()));
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
        DlqEntry entry = dlq.get(id).orElseThrow(() -> ApiError.notFound("DLQ entry", id, null));
        Json.reply(
                ctx,
                200,
                new EntryDetail(
                        EntryView.of(entry),
                        entry.attempts(),
                        entry.attemptsOmitted() == 0
                                ? null
                                : Math.min(
                                        DlqEntry.FIRST_ATTEMPTS_KEPT,
                                        entry.attempts().size())));
    }

    /**
     * A parked write as the API lists it: what it was, why it waits, and its state - not its headers and body, which
     * the list has no use for and which may be large.
     *
     * @param errorClass null once the entry was replayed successfully
     * @param attempts        how many attempts it has had (the live call's and every replay's), omitted ones included
     * @param attemptsOmitted how many of them its history leaves out (between the first and the newest kept)
     */
    record EntryView(
            String id,
            String connector,
            String method,
            String path,
            String opId,
            ErrorClass errorClass,
            int attempts,
            int attemptsOmitted,
            boolean unknownOutcome,
            Instant parkedAt,
            DlqState state,
            String lastError) {
        static EntryView of(DlqEntry e) {
            return new EntryView(
                    e.id(),
                    e.connector(),
                    e.method(),
                    e.path(),
                    e.opId(),
                    e.errorClass(),
                    e.attemptCount(),
                    e.attemptsOmitted(),
                    e.unknownOutcome(),
                    e.createdAt(),
                    e.state(),
                    e.lastError());
        }
    }

    /**
     * {@code GET /dlq/{id}}: the entry and its attempts kept (the live call's, then each replay's), oldest first; the
     * entry's {@code attempts_omitted} are missing between the first and the newest ones.
     *
     * @param omittedAfter where in {@code history} the omitted attempts were (after this many); null when none were
     */
    record EntryDetail(@JsonUnwrapped EntryView entry, List<Attempt> history, Integer omittedAfter) {}

    /** {@code GET /dlq}: the entries the filters select, newest first, and the counts of the whole queue. */
    record Listing(List<EntryView> entries, Map<String, Object> stats) {}

    private void replay(Context ctx) {
        String id = ctx.pathParam("id");
        Json.reply(ctx, 200, dlq.replay(id).orElseThrow(() -> ApiError.notFound("DLQ entry", id, null)));
    }

    private void replayAll(Context ctx) {
        String connector = connector(ctx);
        dlq.stats(); // a DLQ that is not there answers now (503), not from a job that fails later
        ReplayJobs.Started started = jobs.start(connector);
        ctx.header("Location", started.job().location());
        Json.reply(ctx, 202, started.job().view(true, started.isNew()));
    }

    private void jobs(Context ctx) {
        Json.reply(ctx, 200, new ReplayJobs.ReplayJobList(jobs.list()));
    }

    private void job(Context ctx) {
        String id = ctx.pathParam("job");
        Json.reply(
                ctx,
                200,
                jobs.get(id)
                        .orElseThrow(() -> ApiError.notFound("replay job", id, null))
                        .view(true, null));
    }

    private void discard(Context ctx) {
        String id = ctx.pathParam("id");
        if (!dlq.discard(id)) throw ApiError.notFound("DLQ entry", id, null);
        Json.reply(ctx, 200, Map.of("discarded", id));
    }
}
