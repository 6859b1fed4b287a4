package dev.gauntlet.harness.run;

import dev.gauntlet.harness.check.CheckResult;
import dev.gauntlet.harness.check.Checker;
import dev.gauntlet.harness.check.IntendedWrite;
import dev.gauntlet.harness.load.LoadPlan;
import dev.gauntlet.harness.load.OpenLoad;
import dev.gauntlet.harness.report.RunReport;
import dev.gauntlet.harness.scenario.Scenario;
import dev.gauntlet.harness.threshold.Threshold;
import dev.gauntlet.harness.threshold.ThresholdResult;
import dev.gauntlet.harness.workflow.Api;
import dev.gauntlet.harness.workflow.ApiResult;
import dev.gauntlet.harness.workflow.Workflow;
import dev.gauntlet.harness.workflow.WorkflowContext;
import dev.gauntlet.harness.workflow.Workflows;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a scenario: for each phase sets the farm's chaos and runs its workflows as open-model loads on their
 * connectors; ticks once a second (series, live progress, halt conditions); lets the DLQ settle; then proves with
 * the checker, against the farm's ledger, that nothing was lost or duplicated, and evaluates the thresholds.
 */
public final class ScenarioRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ScenarioRunner.class);

    /**
     * One second of a live run, for progress lines, {@code GET /runs/{id}} and the UI.
     *
     * @param thresholds the scenario's thresholds evaluated on the run so far, by the same {@link Threshold#evaluate}
     *                   the report uses (what only the checker knows after the run, lost and duplicates, is NaN: not
     *                   measured yet)
     */
    public record Live(
            double elapsedS,
            double totalS,
            String phase,
            long ops,
            double reqPerS,
            double successRate,
            double p99Ms,
            long dlqDepth,
            long openCircuits,
            List<ThresholdResult> thresholds) {
        public Live {
            thresholds = List.copyOf(thresholds);
        }
    }

    /** Receives a {@link Live} each second, and each phase as it starts (after its chaos is set). */
    @FunctionalInterface
    public interface Listener {
        void second(Live live);

        default void phaseStarted(Scenario.Phase phase) {}

        Listener NONE = live -> {};
    }

    private final Workflows workflows;
    private final FarmControl farm;
    private final boolean resetFarm;

    /**
     * @param resetFarm reset the farm under the scenario's seed before the run: what makes a run reproducible, but
     *                  it clears the farm's state, so a shared farm may opt out
     */
    public ScenarioRunner(Workflows workflows, FarmControl farm, boolean resetFarm) {
        this.workflows = workflows;
        this.farm = farm;
        this.resetFarm = resetFarm;
    }

    public RunReport run(Scenario scenario, RunTarget target, Listener listener, BooleanSupplier stopRequested) {
        validate(scenario, target);
        String runId = scenario.name() + "-" + Long.toString(System.nanoTime() & 0xFFFFFFL, 36);
        if (resetFarm) farm.reset(scenario.seed());
        Instant startedAt = Instant.now();
        ResourceMeter meter = ResourceMeter.start(List.of(
                ResourceMeter.self(),
                new ResourceMeter.Source("farm", () -> ResourceMeter.Figure.of(farm.process())),
                new ResourceMeter.Source(
                        "aam", () -> ResourceMeter.Figure.of(target.probe().process()))));
        long t0 = System.nanoTime();
        RunRecorder recorder = new RunRecorder(t0);
        var intents = new ConcurrentLinkedQueue<IntendedWrite>();
        var series = new CopyOnWriteArrayList<RunReport.SeriesPoint>();
        AtomicReference<String> phaseName =
                new AtomicReference<>(scenario.phases().getFirst().name());
        AtomicReference<String> halted = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        BooleanSupplier stopping = () -> stop.get() || stopRequested.getAsBoolean();
        double totalS = scenario.duration().toNanos() / 1e9;

        // Workflow instances live for the whole run (their cursors and learned ids carry across phases), one per
        // connector.
        Map<String, Workflow> instances = new HashMap<>();
        Map<String, AtomicLong> sequences = new HashMap<>();

        Thread ticker = Thread.ofVirtual()
                .name("run-ticker")
                .start(() -> tick(
                        scenario,
                        target,
                        recorder,
                        series,
                        phaseName,
                        halted,
                        stop,
                        stopRequested,
                        listener,
                        t0,
                        totalS));
        long loadNanos = 0;
        try {
            for (Scenario.Phase phase : scenario.phases()) {
                if (stopping.getAsBoolean()) break;
                phaseName.set(phase.name());
                if (phase.chaos() != null)
                    farm.chaos(phase.chaos().level(), phase.chaos().services());
                try {
                    listener.phaseStarted(phase);
                } catch (RuntimeException e) {
                    LOG.warn("phase listener failed: {}", e.toString());
                }
                long phaseStart = System.nanoTime();
                var threads = new ArrayList<Thread>();
                for (Scenario.Load load : phase.loads()) {
                    for (String connector : connectorsFor(load, target)) {
                        String key = load.workflow() + "@" + connector;
                        Workflow wf = instances.computeIfAbsent(key, k -> workflows.create(load.workflow()));
                        AtomicLong seq = sequences.computeIfAbsent(key, k -> new AtomicLong());
                        Api api = target.apis().get(connector);
                        var ctx = new WorkflowContext(api, target.serviceOf(connector), runId, intents::add);
                        var plan = new LoadPlan(
                                load.rate(),
                                phase.duration(),
                                Math.max(1, (long)
                                        Math.ceil(load.rate() * phase.duration().toNanos() / 1e9)),
                                load.maxInFlight());
                        threads.add(Thread.ofVirtual()
                                .name("load-" + key)
                                .start(() -> OpenLoad.run(
                                        plan,
                                        (i, due) -> {
                                            ApiResult r = wf.iterate(ctx, seq.getAndIncrement());
                                            recorder.record(connector, r, due, System.nanoTime());
                                        },
                                        stopping,
                                        60_000)));
                    }
                }
                for (Thread t : threads) t.join();
                // Throughput is judged over the time the load was offered (as k6 does), not over the drain of the last
                // slow answers; a run stopped early counts only the part it ran.
                loadNanos += Math.min(phase.duration().toNanos(), System.nanoTime() - phaseStart);
            }
            settle(scenario.settle(), target.probe(), stopRequested);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.set(true);
        } finally {
            stop.set(true);
            ticker.interrupt();
            try {
                ticker.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        recorder.rollSecond();

        // Measured before the checker reads the ledger: the run's cost, not the proof's.
        var resources = meter.stop(recorder.connectors().stream()
                .mapToLong(c -> recorder.figures(c).ops())
                .sum());
        CheckResult check = new Checker(farm.ledger(), target.probe()).check(List.copyOf(intents));
        double loadS = Math.max(1e-3, loadNanos / 1e9);
        Figures figures = new Figures(recorder, check, target, loadS);
        var results = new ArrayList<ThresholdResult>();
        for (Threshold t : scenario.thresholds()) results.add(t.evaluate(figures));
        boolean passed = halted.get() == null && results.stream().allMatch(ThresholdResult::pass);
        return new RunReport(
                scenario.name(),
                scenario.seed(),
                loadS,
                startedAt.toString(),
                passed,
                halted.get(),
                target.label(),
                results,
                figures.totals(),
                recorder.latency(null),
                figures.perConnector(),
                List.copyOf(series),
                resources,
                Map.of());
    }

    /** Refuses a scenario naming a workflow or connector that does not exist, before any load starts. */
    private void validate(Scenario scenario, RunTarget target) {
        for (Scenario.Phase p : scenario.phases()) {
            for (Scenario.Load l : p.loads()) {
                if (!workflows.has(l.workflow())) {
                    throw new IllegalArgumentException("scenario " + scenario.name() + ", phase " + p.name()
                            + ": unknown workflow '" + l.workflow() + "'; known: " + workflows.names());
                }
                for (String c : l.connectors()) {
                    if (!c.equals("*") && !target.apis().containsKey(c)) {
                        throw new IllegalArgumentException("scenario " + scenario.name() + ", phase " + p.name()
                                + ": unknown connector '" + c + "'; known: " + target.connectorIds());
                    }
                }
                if (connectorsFor(l, target).isEmpty()) {
                    throw new IllegalArgumentException("scenario " + scenario.name() + ", phase " + p.name()
                            + ": workflow " + l.workflow() + " supports none of the connectors " + l.connectors());
                }
            }
        }
    }

    private List<String> connectorsFor(Scenario.Load load, RunTarget target) {
        Workflow probe = workflows.create(load.workflow());
        var out = new ArrayList<String>();
        for (String id : load.connectors().contains("*") ? target.connectorIds() : load.connectors()) {
            Api api = target.apis().get(id);
            if (api != null && probe.supports(api.flavor())) out.add(id);
        }
        return out;
    }

    /**
     * After the load, waits (bounded) for the DLQ to replay what it holds, so "pending" means really stuck, and for a
     * separate AAM to finish the calls it is still working on (their callers may have given up waiting): until then
     * such a write is neither committed nor parked, and the checker would call it lost.
     */
    private static void settle(Duration max, MeshProbe probe, BooleanSupplier stop) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while ((probe.dlqBacklog() > 0 || probe.callsInFlight() > 0)
                && System.nanoTime() < deadline
                && !stop.getAsBoolean()) {
            Thread.sleep(200);
        }
    }

    private static void tick(
            Scenario scenario,
            RunTarget target,
            RunRecorder recorder,
            List<RunReport.SeriesPoint> series,
            AtomicReference<String> phase,
            AtomicReference<String> halted,
            AtomicBoolean stop,
            BooleanSupplier stopRequested,
            Listener listener,
            long t0,
            double totalS) {
        long lastOps = 0, lastOk = 0;
        long next = t0 + 1_000_000_000L;
        while (!stop.get()) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
            }
            next += 1_000_000_000L;
            Histogram second = recorder.rollSecond();
            long ops = 0, ok = 0;
            for (String c : recorder.connectors()) {
                ops += recorder.figures(c).ops();
                ok += recorder.figures(c).succeeded();
            }
            long dOps = ops - lastOps, dOk = ok - lastOk;
            lastOps = ops;
            lastOk = ok;
            double t = (System.nanoTime() - t0) / 1e9;
            double p99 = second.getTotalCount() == 0 ? 0 : second.getValueAtPercentile(99) / 1000.0;
            long dlq = target.probe().dlqBacklog();
            long open = target.probe().openCircuits();
            double successRate = dOps == 0 ? 1.0 : (double) dOk / dOps;
            series.add(new RunReport.SeriesPoint(
                    Math.round(t * 10) / 10.0, dOps, successRate, p99, dlq, open, phase.get()));
            Figures soFar = new Figures(recorder, null, target, t);
            try {
                List<ThresholdResult> verdict = scenario.thresholds().stream()
                        .map(th -> th.evaluate(soFar))
                        .toList();
                listener.second(new Live(t, totalS, phase.get(), ops, dOk, successRate, p99, dlq, open, verdict));
            } catch (RuntimeException e) {
                LOG.warn("progress listener failed: {}", e.toString());
            }
            // Halt conditions are checked on the run so far, once it has had a few seconds to say anything.
            if (t >= 5 && !scenario.halt().isEmpty() && halted.get() == null) {
                for (Threshold h : scenario.halt()) {
                    ThresholdResult r = h.evaluate(soFar);
                    if (r.pass()) {
                        halted.set("halt condition '" + h.expr() + "' held at " + Math.round(t) + " s (measured "
                                + r.value() + ")");
                        LOG.warn("{}: stopping the run", halted.get());
                        stop.set(true);
                        break;
                    }
                }
            }
            if (stopRequested.getAsBoolean()) stop.set(true);
        }
    }

    /** The run's figures as thresholds read them, and as the report shows them. */
    static final class Figures implements dev.gauntlet.harness.threshold.Measurements {
        private final RunRecorder recorder;
        private final CheckResult check;
        private final RunTarget target;
        private final double seconds;

        /** Each connector's latency (key "" for all), read once per figures: thresholds ask for it many times. */
        private final Map<String, RunReport.Latency> latencies = new HashMap<>();

        Figures(RunRecorder recorder, CheckResult check, RunTarget target, double seconds) {
            this.recorder = recorder;
            this.check = check;
            this.target = target;
            this.seconds = seconds;
        }

        private RunReport.Latency latency(String connector) {
            return latencies.computeIfAbsent(connector == null ? "" : connector, k -> recorder.latency(connector));
        }

        @Override
        public List<String> connectors() {
            return recorder.connectors();
        }

        @Override
        public double value(String metric, String connector) {
            List<RunRecorder.Figures> fs = connector == null
                    ? recorder.connectors().stream().map(recorder::figures).toList()
                    : recorder.connectors().contains(connector) ? List.of(recorder.figures(connector)) : List.of();
            if (fs.isEmpty()) return Double.NaN;
            long ops = 0, ok = 0, failed = 0, retries = 0, correct = 0, incorrect = 0, rateLimited = 0, authExpired = 0;
            double retriedOk = 0, retried = 0;
            for (RunRecorder.Figures f : fs) {
                ops += f.ops();
                ok += f.succeeded();
                failed += f.failed();
                retries += f.retries();
                correct += f.correct();
                incorrect += f.incorrect();
                rateLimited += f.failuresByClass().getOrDefault("rate_limit", 0L);
                authExpired += f.failuresByClass().getOrDefault("auth_expired", 0L);
                retried += f.retriedOps.sum();
                retriedOk += f.retriedSucceeded.sum();
            }
            CheckResult.Service svc =
                    check == null || connector == null ? null : check.services().get(target.serviceOf(connector));
            return switch (metric) {
                case "success_rate" -> ops == 0 ? Double.NaN : (double) ok / ops;
                case "error_rate" -> ops == 0 ? Double.NaN : (double) failed / ops;
                // No operation needed a retry: nothing to judge, and nothing failed for want of one.
                case "retry_success_rate" -> retried == 0 ? 1.0 : retriedOk / retried;
                case "p50_ms" -> latency(connector).p50();
                case "p95_ms" -> latency(connector).p95();
                case "p99_ms" -> latency(connector).p99();
                case "max_ms" -> latency(connector).max();
                // Achieved, not offered: operations that succeeded per second. Under an open load every operation
                // completes (a circuit or an empty bucket fails it at once), so ops / seconds is the offered rate and
                // would let a connector starved to a few successes a second pass "req_per_s >= 20".
                case "req_per_s" -> ok / seconds;
                case "logical_ops" -> ops;
                case "succeeded" -> ok;
                case "failed" -> failed;
                case "retries" -> retries;
                case "lost" ->
                    check == null ? Double.NaN : connector == null ? check.lost() : svc == null ? 0 : svc.lost();
                case "duplicates" ->
                    check == null
                            ? Double.NaN
                            : connector == null ? check.duplicates() : svc == null ? 0 : svc.duplicates();
                case "dlq_backlog" -> connector == null ? target.probe().dlqBacklog() : Double.NaN;
                case "dlq_delay_ms" -> target.probe().dlqDelayMs();
                case "rate_limited_share" -> ops == 0 ? Double.NaN : (double) rateLimited / ops;
                case "token_refresh_p99_ms" -> target.probe().tokenRefreshP99Ms();
                case "auth_expired_surfaced" -> authExpired;
                case "correct_rate" -> correct + incorrect == 0 ? Double.NaN : (double) correct / (correct + incorrect);
                default -> Double.NaN;
            };
        }

        RunReport.Totals totals() {
            return new RunReport.Totals(
                    (long) value("logical_ops", null),
                    (long) value("succeeded", null),
                    (long) value("failed", null),
                    check.pending(),
                    check.lost(),
                    check.duplicates(),
                    (long) value("retries", null),
                    nz(value("success_rate", null)),
                    value("retry_success_rate", null),
                    value("req_per_s", null));
        }

        Map<String, RunReport.ConnectorFigures> perConnector() {
            var out = new LinkedHashMap<String, RunReport.ConnectorFigures>();
            for (String c : recorder.connectors()) {
                RunRecorder.Figures f = recorder.figures(c);
                CheckResult.Service svc = check.services().get(target.serviceOf(c));
                out.put(
                        c,
                        new RunReport.ConnectorFigures(
                                f.ops(),
                                f.succeeded(),
                                f.failed(),
                                f.retries(),
                                nz(value("success_rate", c)),
                                value("retry_success_rate", c),
                                value("req_per_s", c),
                                recorder.latency(c),
                                svc == null ? 0 : svc.pending(),
                                svc == null ? 0 : svc.lost(),
                                svc == null ? 0 : svc.duplicates(),
                                f.failuresByClass(),
                                f.correct(),
                                f.incorrect()));
            }
            return out;
        }

        private static double nz(double v) {
            return Double.isNaN(v) ? 0 : v;
        }
    }
}
