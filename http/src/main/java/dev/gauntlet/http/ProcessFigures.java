package dev.gauntlet.http;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this process has cost so far: CPU seconds (user + system), resident memory now and at its peak (Linux /proc;
 * -1 elsewhere), heap in use. A run reads its own at its start and end, a farm's from {@code GET /admin/status} and an
 * AAM's from {@code GET /health}, so servers on other machines are measured too.
 */
public final class ProcessFigures {
    private ProcessFigures() {}

    public static Map<String, Object> now() {
        var m = new LinkedHashMap<String, Object>();
        m.put("pid", ProcessHandle.current().pid());
        m.put("cpu_s", cpuSeconds());
        m.put("rss_bytes", statusKb("VmRSS:") * 1024);
        m.put("peak_rss_bytes", statusKb("VmHWM:") * 1024);
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        m.put("heap_used_bytes", heap.getUsed());
        m.put("heap_max_bytes", heap.getMax());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        return m;
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
