package dev.gauntlet.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * "Replay all" as background jobs: {@code POST /dlq/replay} answers 202 with a job at once (it took ~10 s synchronously
 * on a large DLQ), {@code GET /dlq/replays/{id}} shows its progress. One job at a time per filter (all entries, or one
 * connector's): asked again while it runs, the running job is the answer. The newest {@link #KEEP} jobs are kept.
 */
final class ReplayJobs {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReplayJobs.class);

    static final int KEEP = 50;

    /** One replay-all: counts move as it goes; {@code results} is complete once it is no longer running. */
    static final class Job {
        final String id;
        final String connector;
        final Instant startedAt;
        volatile String state = "running";
        volatile Instant finishedAt;
        volatile String error;
        final AtomicInteger total = new AtomicInteger(-1);
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger succeeded = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();
        final List<DlqBackend.Replay> results = new ArrayList<>();

        Job(String id, String connector, Instant startedAt) {
            this.id = id;
            this.connector = connector;
            this.startedAt = startedAt;
        }

        boolean running() {
            return state.equals("running");
        }

        String location() {
            return "/dlq/replays/" + id;
        }

        /**
         * The job as the API shows it.
         *
         * @param withResults each entry's result too, once the job is no longer running
         * @param started     for the answer of the request that asked for it: whether it started the job (null: absent)
         */
        ReplayJob view(boolean withResults, Boolean started) {
            int t = total.get();
            List<DlqBackend.Replay> shown = null;
            if (withResults && !running()) {
                synchronized (results) {
                    shown = List.copyOf(results);
                }
            }
            return new ReplayJob(
                    id,
                    connector,
                    state,
                    t < 0 ? null : t,
                    done.get(),
                    succeeded.get(),
                    failed.get(),
                    skipped.get(),
                    startedAt.toString(),
                    finishedAt == null ? null : finishedAt.toString(),
                    error,
                    location(),
                    shown,
                    started);
        }
    }

    /**
     * A replay-all job ({@code GET /dlq/replays/{job}}, a row of {@code GET /dlq/replays}, {@code POST /dlq/replay}).
     *
     * @param total   how many entries it replays, null until it has listed them
     * @param results each entry's result, once the job is no longer running (absent in the list and while running)
     * @param started whether the request started it (only in the answer of {@code POST /dlq/replay})
     */
    record ReplayJob(
            String id,
            String connector,
            String state,
            Integer total,
            int done,
            int succeeded,
            int failed,
            int skipped,
            String startedAt,
            String finishedAt,
            String error,
            String location,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<DlqBackend.Replay> results,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean started) {}

    /** {@code GET /dlq/replays}: the jobs, newest first. */
    record ReplayJobList(List<ReplayJob> jobs) {}

    /** A job and whether this request started it (false: it was running already). */
    record Started(Job job, boolean isNew) {}

    private final DlqBackend dlq;
    private final InstantSource clock;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, Job> runningByFilter = new LinkedHashMap<>();

    ReplayJobs(DlqBackend dlq, InstantSource clock) {
        this.dlq = dlq;
        this.clock = clock;
    }

    /** Starts a replay of every pending and dead entry (of one connector, or all when null), or answers the one running for the same filter. */
    synchronized Started start(String connector) {
        String filter = connector == null ? "*" : connector;
        Job running = runningByFilter.get(filter);
        if (running != null && running.running()) return new Started(running, false);
        Job job = new Job(
                "replay_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE),
                connector,
                clock.instant());
        jobs.put(job.id, job);
        runningByFilter.put(filter, job);
        prune();
        Thread.ofVirtual().name("dlq-replay-" + job.id).start(() -> run(job));
        return new Started(job, true);
    }

    private void run(Job job) {
        try {
            dlq.replayAll(job.connector, job.total::set, r -> {
                switch (r.outcome()) {
                    case "succeeded" -> job.succeeded.incrementAndGet();
                    case "skipped" -> job.skipped.incrementAndGet();
                    default -> job.failed.incrementAndGet();
                }
                synchronized (job.results) {
                    job.results.add(r);
                }
                job.done.incrementAndGet();
            });
            job.total.compareAndSet(-1, job.done.get());
            job.state = "finished";
        } catch (RuntimeException e) {
            // The store went away mid-job, the DLQ is not wired: the job says so; what was replayed stays replayed.
            LOG.warn("DLQ replay job {} failed", job.id, e);
            job.error = e.getMessage();
            job.state = "failed";
        } finally {
            job.finishedAt = clock.instant();
        }
    }

    synchronized Optional<Job> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    synchronized List<ReplayJob> list() {
        var out = new ArrayList<ReplayJob>();
        for (Job j : jobs.values()) out.add(0, j.view(false, null));
        return out;
    }

    /** Only finished jobs are dropped, oldest first. */
    private void prune() {
        var it = jobs.values().iterator();
        while (jobs.size() > KEEP && it.hasNext()) {
            if (!it.next().running()) it.remove();
        }
    }
}
