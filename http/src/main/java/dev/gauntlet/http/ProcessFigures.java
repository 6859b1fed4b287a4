package dev.gauntlet.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this process has cost so far: CPU seconds (user + system), resident memory now and at its peak (Linux /proc;
 * -1 elsewhere), heap in use. A run reads its own at its start and end, a farm's from {@code GET /admin/status} and an
 * AAM's from {@code GET /health}, so servers on other machines are measured too.
 */
public record ProcessFigures(
        @JsonProperty("pid") long pid,
        @JsonProperty("cpu_s") double cpuS,
        @JsonProperty("rss_bytes") long rssBytes,
        @JsonProperty("peak_rss_bytes") long peakRssBytes,
        @JsonProperty("heap_used_bytes") long heapUsedBytes,
        @JsonProperty("heap_max_bytes") long heapMaxBytes,
        @JsonProperty("cores") int cores) {

    // The keys are named here, not by the writing mapper's naming strategy: the AAM, the farm and the runner all write
    // them, and a run reads them back by these names (ResourceMeter).

    /** This process's figures now. */
    public static ProcessFigures now() {
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new ProcessFigures(
                ProcessHandle.current().pid(),
                cpuSeconds(),
                statusKb("VmRSS:") * 1024,
                statusKb("VmHWM:") * 1024,
                heap.getUsed(),
                heap.getMax(),
                Runtime.getRuntime().availableProcessors());
    }

    private static double cpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long ns = os.getProcessCpuTime();
            return ns < 0 ? -1 : ns / 1e9;
        }
        return -1;
    }

    /** A "Name:   123 kB" line of /proc/self/status, in kB; -1 where there is no /proc. */
    private static long statusKb(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name))
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException noProc) {
            return -1;
        }
        return -1;
    }
}
