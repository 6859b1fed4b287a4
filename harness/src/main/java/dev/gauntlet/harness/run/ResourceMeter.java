package dev.gauntlet.harness.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.harness.report.Resources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads what each process of a run has cost (CPU seconds, peak RSS) at the run's start and at its end, and reports the
 * difference: the run's {@code resources} in report.json. A process that cannot be read (a remote farm on another
 * machine, an AAM restarting) is left out rather than guessed; one that restarted during the run (a new pid) counts
 * from its start.
 */
final class ResourceMeter {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one process reports of itself, read from the {@code process} object of a status answer. */
    record Figure(long pid, double cpuS, long peakRssBytes) {
        static Optional<Figure> of(JsonNode process) {
            if (process == null
                    || !process.hasNonNull("pid")
                    || !process.path("cpu_s").isNumber()) return Optional.empty();
            double cpu = process.path("cpu_s").asDouble();
            return cpu < 0
                    ? Optional.empty()
                    : Optional.of(new Figure(
                            process.path("pid").asLong(),
                            cpu,
                            process.path("peak_rss_bytes").asLong(-1)));
        }
    }

    /** A process the run can see, by the role it plays. */
    record Source(String role, Supplier<Optional<Figure>> read) {}

    private final List<Source> sources;
    private final Map<String, Optional<Figure>> atStart = new LinkedHashMap<>();

    private ResourceMeter(List<Source> sources) {
        this.sources = List.copyOf(sources);
        for (Source s : sources) atStart.put(s.role(), safely(s));
    }

    /** Starts measuring: reads each source now. */
    static ResourceMeter start(List<Source> sources) {
        return new ResourceMeter(sources);
    }

    /** The runner's own process (which holds the mesh when it runs in-process, and the farm when that is embedded). */
    static Source self() {
        return new Source("runner", () -> Figure.of(JSON.valueToTree(dev.gauntlet.http.ProcessFigures.now())));
    }

    /** What each process cost since {@link #start}, for {@code ops} logical operations. */
    Resources stop(long ops) {
        Map<Long, Resources.Process> byPid = new LinkedHashMap<>();
        for (Source s : sources) {
            Optional<Figure> end = safely(s);
            if (end.isEmpty()) continue;
            Figure e = end.get();
            Figure b = atStart.get(s.role()).filter(f -> f.pid() == e.pid()).orElse(new Figure(e.pid(), 0, -1));
            byPid.merge(
                    e.pid(),
                    new Resources.Process(s.role(), e.pid(), Math.max(0, e.cpuS() - b.cpuS()), e.peakRssBytes()),
                    (a, x) -> new Resources.Process(a.role() + "+" + x.role(), a.pid(), a.cpuS(), a.peakRssBytes()));
        }
        List<Resources.Process> processes = new ArrayList<>(byPid.values());
        double cpu = processes.stream().mapToDouble(Resources.Process::cpuS).sum();
        return new Resources(processes, round(cpu, 3), ops == 0 ? Double.NaN : round(cpu * 1000 / ops, 4));
    }

    private static Optional<Figure> safely(Source s) {
        try {
            return s.read().get();
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    private static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }
}
