package dev.gauntlet.harness.check;

import java.util.List;
import java.util.Map;

/**
 * The reconciliation of what workflows meant to write with what the upstream committed and what the DLQ holds.
 *
 * @param lost        intended writes neither committed nor pending in the DLQ
 * @param duplicates  intended operations committed more than once
 * @param pending     intended writes not committed but waiting in the DLQ (not lost: a replay will carry them)
 * @param samples     up to 20 op ids per kind ("lost", "duplicate") to start an investigation from
 */
public record CheckResult(
        long intended,
        long committed,
        long pending,
        long lost,
        long duplicates,
        Map<String, Service> services,
        Map<String, List<String>> samples) {

    /** One service's share of the figures. */
    public record Service(long intended, long committed, long pending, long lost, long duplicates) {}

    public boolean clean() {
        return lost == 0 && duplicates == 0;
    }
}
