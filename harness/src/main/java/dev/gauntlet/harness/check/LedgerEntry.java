package dev.gauntlet.harness.check;

/** One row of the farm's ledger: an operation the upstream committed, and how many times. */
public record LedgerEntry(String service, String resource, String opId, String idempotencyKey, int commits) {}
