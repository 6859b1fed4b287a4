package dev.gauntlet.bench.mesh;

import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.harness.load.LoadPlan;
import dev.gauntlet.harness.load.OpenLoad;
import dev.gauntlet.harness.run.FarmControl;
import dev.gauntlet.harness.run.RunTarget;
import dev.gauntlet.harness.run.Targets;
import dev.gauntlet.harness.workflow.ApiResult;
import dev.gauntlet.harness.workflow.Workflow;
import dev.gauntlet.harness.workflow.WorkflowContext;
import dev.gauntlet.harness.workflow.Workflows;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.limit.LimitConfig;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Issue 4's acceptance: the same workflow through the mesh and through the naive client at calm, in one run, side by
 * side. (a) Peak throughput: a closed loop of N virtual threads running the workflow as fast as they can for a fixed
 * time, rounds alternating the order (mesh, naive, naive, mesh, …), the farm reset before each. (b) Latency at a fixed
 * open-model rate (60 % of the lower of the two peaks) with each operation timed from its intended start. Target: the
 * mesh reaches ≥ 0.9× the naive client's throughput at an equal or better p99.
 *
 * <p>The farm runs in-process on 127.0.0.1 with only copies of the built-in {@code stripe_mock} and {@code mongodb_mock}
 * services whose per-client limit (200 rps) is raised to 10,000,000, so what is measured is the client side and not
 * the farm's bucket. The connectors are the harness's built-in ones for those two services, with the mesh's own
 * adaptive limit raised alike (the naive client has none). Threads and operations are spread evenly over the two.
 *
 * <pre>java -cp bench/target/gauntlet-bench.jar dev.gauntlet.bench.mesh.MeshVsNaiveBench</pre>
 * System properties: {@code threads} (32), {@code rounds} (3), {@code peakSeconds} (8), {@code pacedRounds} (2),
 * {@code pacedSeconds} (5), {@code pacedShare} (0.6), {@code warmupSeconds} (3, two passes), {@code services} (stripe_mock,mongodb_mock), {@code workflows}
 * (high_volume_read,idempotent_write).
 */
public final class MeshVsNaiveBench {

    static final List<String> SERVICES = List.of(System.getProperty("services", "stripe_mock,mongodb_mock").split(","));
    static final int THREADS = Integer.getInteger("threads", 32);
    static final int ROUNDS = Integer.getInteger("rounds", 3);
    static final int PACED_ROUNDS = Integer.getInteger("pacedRounds", 2);
    static final Duration PEAK = Duration.ofSeconds(Long.getLong("peakSeconds", 8));
    static final Duration PACED = Duration.ofSeconds(Long.getLong("pacedSeconds", 5));
    static final Duration WARMUP = Duration.ofSeconds(Long.getLong("warmupSeconds", 3));
    static final double PACED_SHARE = Double.parseDouble(System.getProperty("pacedShare", "0.6"));
    static final List<String> WORKFLOWS = List.of(System.getProperty("workflows", "high_volume_read,idempotent_write").split(","));
    /** Bounds every closed loop by count as well as by time. */
    static final long MAX_OPS_PER_THREAD = 2_000_000;
    static final int MAX_IN_FLIGHT = 2_000;
    static final long HIGHEST_US = 60_000_000;
    static final long SEED = 42;
    /** Diagnostic only: {@code -DmeshIdempotency=false} sends the mesh's writes without idempotency keys. */
    static final boolean MESH_IDEMPOTENCY = Boolean.parseBoolean(System.getProperty("meshIdempotency", "true"));
    static final LimitConfig UNLIMITED = new LimitConfig(100_000, 1, 100_000, 100_000);
    private static final Pattern RATE_LIMIT = Pattern.compile("(?m)^rate_limit:.*$");

    private static final AtomicLong RUNS = new AtomicLong();

    /** One closed-loop measurement. */
    record Peak(long ok, long failed, double seconds, String failures) {
        double opsPerS() {
            return ok / seconds;
        }
    }

    /** One paced measurement; latencies in microseconds from each operation's intended start. */
    record Paced(Histogram latency, long ok, long failed, long dropped, double achievedPerS, String failures) {}

    /** A target opened for one measurement, and what closes it. */
    record Opened(RunTarget target, Runnable closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }

    /** Opens a fresh target. */
    @FunctionalInterface
    interface Side {
        Opened open();
    }

    /** Failed operations by error class, for the log line. */
    static final class Failures {
        private final java.util.concurrent.ConcurrentHashMap<String, LongAdder> byClass = new java.util.concurrent.ConcurrentHashMap<>();

        void add(ApiResult r) {
            byClass.computeIfAbsent(r.errorClass() + (r.status() > 0 ? "/" + r.status() : ""), k -> new LongAdder()).increment();
        }

        long total() {
            return byClass.values().stream().mapToLong(LongAdder::sum).sum();
        }

        @Override
        public String toString() {
            return byClass.isEmpty() ? "" : " " + new java.util.TreeMap<>(byClass);
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("mesh-vs-naive");
        for (String id : SERVICES) Files.writeString(dir.resolve(id + ".yaml"), unlimited(id));
        HttpClient controlHttp = HttpClient.newHttpClient();
        try (FarmServer farm = FarmServer.start(FarmConfig.builder().host("127.0.0.1").port(0).seed(SEED).builtIns(false)
                .servicesDir(dir).watchInterval(Duration.ofHours(1)).build())) {
            List<ConnectorsFile.Entry> entries = ConnectorsFile.builtIn(farm.url()).stream()
                    .filter(e -> SERVICES.contains(e.service()))
                    .map(e -> new ConnectorsFile.Entry(withLimit(e.spec(), UNLIMITED), e.service()))
                    .toList();
            if (entries.size() != SERVICES.size()) throw new IllegalStateException("built-in connectors for " + SERVICES + " not found");
            List<ConnectorsFile.Entry> meshEntries = MESH_IDEMPOTENCY ? entries : entries.stream()
                    .map(e -> new ConnectorsFile.Entry(withoutIdempotency(e.spec()), e.service())).toList();
            FarmControl control = new FarmControl(farm.url(), controlHttp);
            // Each measurement gets a fresh target (a new mesh with its own HttpClient; a new HttpClient for the naive
            // client, made as the mesh makes its own), so no state (breaker, limiter, idempotency store, connections)
            // carries from one measurement into the next; the JIT stays warm since the classes are the same.
            Map<String, Side> targets = new LinkedHashMap<>();
            targets.put("mesh", () -> {
                Mesh mesh = Mesh.builder().build();
                return new Opened(Targets.mesh(mesh, meshEntries), mesh::close);
            });
            targets.put("naive", () -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                        .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
                return new Opened(Targets.naive(entries, http), http::close);
            });
            Workflows workflows = Workflows.builtIn();
            System.out.printf(Locale.ROOT, "farm %s (calm; %s with limits raised to 10M rps), %d cores, %d closed-loop threads, %d x %d s peak rounds, "
                            + "%d x %d s paced rounds at %.0f %% of the lower peak%s%n", farm.url(), SERVICES, Runtime.getRuntime().availableProcessors(),
                    THREADS, ROUNDS, PEAK.toSeconds(), PACED_ROUNDS, PACED.toSeconds(), 100 * PACED_SHARE,
                    MESH_IDEMPOTENCY ? "" : "; DIAGNOSTIC: mesh idempotency keys off");

            // Untimed: the JIT compiles both paths (and the farm's) before anything is measured.
            // Two passes: the mesh's path is longer and is still being compiled after the first.
            for (int pass = 0; pass < 2; pass++) {
                for (String wf : WORKFLOWS) {
                    for (String t : targets.keySet()) {
                        control.reset(SEED);
                        Peak w = closedLoop(workflows, targets.get(t), wf, WARMUP);
                        System.out.printf(Locale.ROOT, "warm-up %-16s %-5s %,8.0f ops/s%s%n", wf, t, w.opsPerS(), w.failures());
                    }
                }
            }

            var report = new StringBuilder();
            boolean allMet = true;
            for (String wf : WORKFLOWS) {
                Map<String, List<Peak>> peaks = new LinkedHashMap<>();
                targets.keySet().forEach(t -> peaks.put(t, new ArrayList<>()));
                for (int round = 0; round < ROUNDS; round++) {
                    for (String t : order(round)) {
                        control.reset(SEED);
                        Peak p = closedLoop(workflows, targets.get(t), wf, PEAK);
                        peaks.get(t).add(p);
                        System.out.printf(Locale.ROOT, "peak  %-16s round %d %-5s %,8.0f ops/s (%d ok, %d failed, %.2f s)%s%n", wf, round + 1, t,
                                p.opsPerS(), p.ok(), p.failed(), p.seconds(), p.failures());
                    }
                }
                // Below both peaks: a share of the lower one (the naive client's, when the mesh keeps up).
                double lower = Math.min(mean(peaks.get("naive")), mean(peaks.get("mesh")));
                double rate = Math.max(1, Math.round(PACED_SHARE * lower));
                Map<String, Histogram> merged = new LinkedHashMap<>();
                Map<String, List<Paced>> paced = new LinkedHashMap<>();
                for (String t : targets.keySet()) {
                    merged.put(t, new Histogram(HIGHEST_US, 3));
                    paced.put(t, new ArrayList<>());
                }
                for (int round = 0; round < PACED_ROUNDS; round++) {
                    for (String t : order(round)) {
                        control.reset(SEED);
                        Paced p = paced(workflows, targets.get(t), wf, rate, PACED);
                        merged.get(t).add(p.latency());
                        paced.get(t).add(p);
                        System.out.printf(Locale.ROOT, "paced %-16s round %d %-5s %,.0f/s offered, %,.0f/s done, p50 %.2f ms, p99 %.2f ms, max %.1f ms "
                                        + "(%d ok, %d failed, %d dropped)%s%n", wf, round + 1, t, rate, p.achievedPerS(), ms(p.latency(), 50),
                                ms(p.latency(), 99), p.latency().getMaxValue() / 1000.0, p.ok(), p.failed(), p.dropped(), p.failures());
                    }
                }
                allMet &= table(report, wf, peaks, paced, merged, rate);
            }
            System.out.println();
            System.out.print(report);
            System.out.println(allMet ? "OVERALL: target met for every workflow" : "OVERALL: target NOT met for every workflow");
        } finally {
            controlHttp.close();
        }
    }

    /** mesh first on even rounds, naive first on odd ones: mesh, naive, naive, mesh, mesh, naive, … */
    static List<String> order(int round) {
        return round % 2 == 0 ? List.of("mesh", "naive") : List.of("naive", "mesh");
    }

    /** N virtual threads, each running the workflow back to back until the time is up (or its count bound). */
    static Peak closedLoop(Workflows workflows, Side side, String workflow, Duration duration) throws Exception {
        try (Opened opened = side.open()) {
            return closedLoop(workflows, opened.target(), workflow, duration);
        }
    }

    static Peak closedLoop(Workflows workflows, RunTarget target, String workflow, Duration duration) throws InterruptedException {
        Lane[] lanes = lanes(workflows, target, workflow);
        Failures failed = new Failures();
        LongAdder ok = new LongAdder();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Lane lane = lanes[t % lanes.length];
            threads.add(Thread.ofVirtual().name("closed-" + t).start(() -> {
                for (long i = 0; i < MAX_OPS_PER_THREAD && System.nanoTime() < end; i++) {
                    ApiResult r = lane.run();
                    if (r.ok()) ok.increment();
                    else failed.add(r);
                }
            }));
        }
        long joinDeadline = end + 30_000_000_000L;
        for (Thread t : threads) {
            long left = joinDeadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) throw new IllegalStateException("a closed-loop thread is stuck after 30 s");
        }
        // Over the time until the last answer came back, so the calls still running at the end count in full.
        return new Peak(ok.sum(), failed.total(), (System.nanoTime() - start) / 1e9, failed.toString());
    }

    /** An open-model load at {@code rate}; each operation is timed from when it was due to start. */
    static Paced paced(Workflows workflows, Side side, String workflow, double rate, Duration duration) throws Exception {
        try (Opened opened = side.open()) {
            return paced(workflows, opened.target(), workflow, rate, duration);
        }
    }

    static Paced paced(Workflows workflows, RunTarget target, String workflow, double rate, Duration duration) {
        Lane[] lanes = lanes(workflows, target, workflow);
        ConcurrentHistogram latency = new ConcurrentHistogram(HIGHEST_US, 3);
        LongAdder ok = new LongAdder();
        Failures failed = new Failures();
        var plan = new LoadPlan(rate, duration, (long) Math.ceil(rate * duration.toNanos() / 1e9), MAX_IN_FLIGHT);
        OpenLoad.Result r = OpenLoad.run(plan, (seq, due) -> {
            ApiResult res = lanes[(int) (seq % lanes.length)].run();
            latency.recordValue(Math.min(HIGHEST_US, Math.max(0, (System.nanoTime() - due) / 1000)));
            if (res.ok()) ok.increment();
            else failed.add(res);
        }, () -> false, 30_000);
        return new Paced(latency.copy(), ok.sum(), failed.total(), r.dropped(), r.finished() / (r.elapsedNanos() / 1e9), failed.toString());
    }

    /** One connector's workflow instance, its sequence and context, as the scenario runner makes them. */
    record Lane(Workflow workflow, WorkflowContext ctx, AtomicLong seq) {
        ApiResult run() {
            return workflow.iterate(ctx, seq.getAndIncrement());
        }
    }

    static Lane[] lanes(Workflows workflows, RunTarget target, String workflow) {
        // A fresh run id each time: write op ids (hence the mesh's idempotency keys) never repeat across runs.
        String runId = "bench-" + target.label() + "-" + RUNS.incrementAndGet();
        return target.connectorIds().stream()
                .map(id -> new Lane(workflows.create(workflow), new WorkflowContext(target.apis().get(id), target.serviceOf(id), runId, w -> {}),
                        new AtomicLong()))
                .toArray(Lane[]::new);
    }

    static boolean table(StringBuilder out, String wf, Map<String, List<Peak>> peaks, Map<String, List<Paced>> paced,
                         Map<String, Histogram> merged, double rate) {
        out.append(String.format(Locale.ROOT, "== %s (%d threads closed loop; paced at %,.0f ops/s = %.0f %% of the lower peak)%n", wf, THREADS, rate,
                100 * PACED_SHARE));
        out.append(String.format(Locale.ROOT, "%-6s | %-28s | %10s | %9s | %9s | %-22s | %s%n", "target", "ops/s per round", "mean ops/s",
                "p50 ms", "p99 ms", "p99 per round ms", "failed"));
        for (String t : peaks.keySet()) {
            var rounds = new StringBuilder();
            long failedOps = 0;
            for (Peak p : peaks.get(t)) {
                rounds.append(rounds.isEmpty() ? "" : " · ").append(String.format(Locale.ROOT, "%,.0f", p.opsPerS()));
                failedOps += p.failed();
            }
            var p99s = new StringBuilder();
            for (Paced p : paced.get(t)) {
                p99s.append(p99s.isEmpty() ? "" : " · ").append(String.format(Locale.ROOT, "%.2f", ms(p.latency(), 99)));
                failedOps += p.failed() + p.dropped();
            }
            out.append(String.format(Locale.ROOT, "%-6s | %-28s | %,10.0f | %9.2f | %9.2f | %-22s | %d%n", t, rounds, mean(peaks.get(t)),
                    ms(merged.get(t), 50), ms(merged.get(t), 99), p99s, failedOps));
        }
        double ratio = mean(peaks.get("mesh")) / mean(peaks.get("naive"));
        var perRound = new StringBuilder();
        for (int i = 0; i < peaks.get("mesh").size(); i++) {
            perRound.append(perRound.isEmpty() ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%.2f", peaks.get("mesh").get(i).opsPerS() / peaks.get("naive").get(i).opsPerS()));
        }
        double meshP99 = ms(merged.get("mesh"), 99);
        double naiveP99 = ms(merged.get("naive"), 99);
        boolean throughputMet = ratio >= 0.9;
        boolean p99Met = meshP99 <= naiveP99;
        out.append(String.format(Locale.ROOT, "throughput mesh/naive = %.3f (per round: %s); target >= 0.9: %s%n", ratio, perRound,
                throughputMet ? "met" : "NOT met"));
        out.append(String.format(Locale.ROOT, "p99 at %,.0f ops/s: mesh %.2f ms vs naive %.2f ms (mesh/naive %.2f); target mesh <= naive: %s%n", rate, meshP99,
                naiveP99, meshP99 / naiveP99, p99Met ? "met" : "NOT met"));
        out.append(String.format(Locale.ROOT, "verdict %s: %s%n%n", wf, throughputMet && p99Met ? "MET" : "NOT MET"));
        return throughputMet && p99Met;
    }

    static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    static double mean(List<Peak> peaks) {
        return peaks.stream().mapToDouble(Peak::opsPerS).average().orElse(Double.NaN);
    }

    /** The built-in service's YAML with its per-client limit raised so far that the farm's bucket never refuses. */
    static String unlimited(String id) throws java.io.IOException {
        try (InputStream in = FarmServer.class.getResourceAsStream("/services/" + id + ".yaml")) {
            if (in == null) throw new IllegalStateException("built-in service " + id + " not on the class path");
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!RATE_LIMIT.matcher(yaml).find()) throw new IllegalStateException(id + ".yaml has no rate_limit line");
            return RATE_LIMIT.matcher(yaml).replaceFirst("rate_limit: { max_rps: 10000000, burst: 10000000, per: client }");
        }
    }

    static ConnectorSpec withoutIdempotency(ConnectorSpec s) {
        var off = new IdempotencyConfig(s.idempotency().header(), false, s.idempotency().readPaths());
        return new ConnectorSpec(s.id(), s.baseUrl(), s.flavor(), s.tenants(), s.headers(), s.auth(), s.limit(), s.retry(), s.circuit(), s.timeouts(),
                off, s.drift(), s.dlq(), s.staleReads(), s.errorRules());
    }

    static ConnectorSpec withLimit(ConnectorSpec s, LimitConfig limit) {
        return new ConnectorSpec(s.id(), s.baseUrl(), s.flavor(), s.tenants(), s.headers(), s.auth(), limit, s.retry(), s.circuit(), s.timeouts(),
                s.idempotency(), s.drift(), s.dlq(), s.staleReads(), s.errorRules());
    }
}
