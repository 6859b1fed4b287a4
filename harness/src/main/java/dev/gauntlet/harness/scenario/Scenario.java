package dev.gauntlet.harness.scenario;

import dev.gauntlet.harness.threshold.Threshold;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run as a user describes it in YAML: phases (chaos per service, then workflows at a rate for a while), thresholds
 * a CI job gates on, and halt conditions that end a hopeless run early.
 *
 * @param settle  after the load, how long the run waits at most for the DLQ to drain before the checker counts
 */
public record Scenario(
        String name,
        String description,
        long seed,
        List<Phase> phases,
        List<Threshold> thresholds,
        List<Threshold> halt,
        Duration settle) {

    public Scenario {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        if (phases == null || phases.isEmpty())
            throw new IllegalArgumentException("phases must list at least one phase");
        phases = List.copyOf(phases);
        thresholds = thresholds == null ? List.of() : List.copyOf(thresholds);
        halt = halt == null ? List.of() : List.copyOf(halt);
        settle = settle == null ? Duration.ofSeconds(10) : settle;
    }

    /** A stretch of the run with one chaos setting and a set of workflows running. */
    public record Phase(String name, Duration duration, Chaos chaos, List<Load> loads) {
        public Phase {
            Objects.requireNonNull(name, "phase name");
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("phase '" + name + "': duration must be > 0, was " + duration);
            }
            loads = loads == null ? List.of() : List.copyOf(loads);
        }
    }

    /**
     * The chaos to set at the start of a phase.
     *
     * @param services null or empty for every service
     */
    public record Chaos(String level, List<String> services) {
        public Chaos {
            Objects.requireNonNull(level, "chaos.level");
            services = services == null ? List.of() : List.copyOf(services);
        }
    }

    /**
     * One workflow at {@code rate} logical operations per second on each of its connectors.
     *
     * @param connectors connector ids, or ["*"] for every connector the workflow supports
     * @param maxInFlight operations running at once per connector before new arrivals are dropped
     * @param params extra parameters the workflow reads (reserved for user workflows)
     */
    public record Load(
            String workflow, double rate, List<String> connectors, int maxInFlight, Map<String, String> params) {
        public Load {
            Objects.requireNonNull(workflow, "workflow");
            if (!(rate > 0) || rate > 10_000)
                throw new IllegalArgumentException(
                        "workflow '" + workflow + "': rate must be > 0 and ≤ 10000 per second, was " + rate);
            connectors = connectors == null || connectors.isEmpty() ? List.of("*") : List.copyOf(connectors);
            if (maxInFlight < 1)
                throw new IllegalArgumentException(
                        "workflow '" + workflow + "': max_in_flight must be ≥ 1, was " + maxInFlight);
            params = params == null ? Map.of() : Map.copyOf(params);
        }
    }

    public Duration duration() {
        return phases.stream().map(Phase::duration).reduce(Duration.ZERO, Duration::plus);
    }

    /** The same scenario with its phases scaled so that they last {@code total} together ({@code --duration}). */
    public Scenario scaledTo(Duration total) {
        double factor = (double) total.toNanos() / duration().toNanos();
        var scaled = new ArrayList<Phase>();
        for (Phase p : phases) {
            long nanos = Math.max(1_000_000, (long) (p.duration().toNanos() * factor));
            scaled.add(new Phase(p.name(), Duration.ofNanos(nanos), p.chaos(), p.loads()));
        }
        return new Scenario(name, description, seed, scaled, thresholds, halt, settle);
    }

    /** The same scenario with another bound on the wait for the DLQ after the load. */
    public Scenario withSettle(Duration newSettle) {
        return new Scenario(name, description, seed, phases, thresholds, halt, newSettle);
    }

    public Scenario withSeed(long newSeed) {
        return new Scenario(name, description, newSeed, phases, thresholds, halt, settle);
    }
}
