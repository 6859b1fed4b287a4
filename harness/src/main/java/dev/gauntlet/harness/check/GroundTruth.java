package dev.gauntlet.harness.check;

import java.util.List;

/** What the upstream really committed, per service (the farm's ledger). */
@FunctionalInterface
public interface GroundTruth {
    List<LedgerEntry> ledger(String service);
}
