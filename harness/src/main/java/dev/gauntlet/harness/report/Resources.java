package dev.gauntlet.harness.report;

import java.util.List;

/**
 * What a run cost the machine: per process it started or could see (the runner itself, the farm from
 * {@code /admin/status}, a separate AAM from {@code /health}), CPU seconds spent during the run and the process's
 * peak resident memory so far; processes shared by several roles (one process running everything) are counted once.
 *
 * @param cpuS       CPU seconds of all those processes together, over the run
 * @param cpuMsPerOp {@code cpuS} per logical operation of the run, in milliseconds (NaN without operations)
 */
public record Resources(List<Process> processes, double cpuS, double cpuMsPerOp) {

    public Resources {
        processes = List.copyOf(processes);
    }

    /** One process: the roles it plays ("runner", "farm", "aam"; "runner+farm" when one process plays both). */
    public record Process(String role, long pid, double cpuS, long peakRssBytes) {}
}
