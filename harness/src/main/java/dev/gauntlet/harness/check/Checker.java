package dev.gauntlet.harness.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Proves nothing was lost or duplicated, from the upstream's ground truth rather than the mesh's own counters: each
 * intended write must be committed exactly once by the farm, or still be pending in the DLQ.
 */
public final class Checker {

    private static final int SAMPLES = 20;

    private final GroundTruth groundTruth;
    private final PendingWrites pendingWrites;

    public Checker(GroundTruth groundTruth, PendingWrites pendingWrites) {
        this.groundTruth = groundTruth;
        this.pendingWrites = pendingWrites;
    }

    public CheckResult check(Collection<IntendedWrite> intended) {
        Map<String, List<String>> byService = new TreeMap<>();
        for (IntendedWrite w : intended)
            byService.computeIfAbsent(w.service(), s -> new ArrayList<>()).add(w.opId());

        var services = new LinkedHashMap<String, CheckResult.Service>();
        var lostSample = new ArrayList<String>();
        var dupSample = new ArrayList<String>();
        long tIntended = 0, tCommitted = 0, tPending = 0, tLost = 0, tDup = 0;
        for (var e : byService.entrySet()) {
            String service = e.getKey();
            // The ledger keys an operation by resource and kind too; the same op id committed under two of them is
            // still one logical write done twice.
            // The DLQ is read BEFORE the ledger: a parked write can be replayed and committed between the two reads.
            // Read in this order it is seen pending or committed (both fine); in the other order it could be seen as
            // neither - not yet in the ledger, no longer in the DLQ - and be reported lost when it is not.
            Set<String> pending = pendingWrites.pendingOpIds(service);
            Map<String, Integer> commits = new HashMap<>();
            for (LedgerEntry le : groundTruth.ledger(service)) {
                if (le.opId() != null) commits.merge(le.opId(), le.commits(), Integer::sum);
            }
            long committed = 0, waiting = 0, lost = 0, dups = 0;
            for (String op : new LinkedHashSet<>(e.getValue())) {
                int n = commits.getOrDefault(op, 0);
                if (n > 0) committed++;
                if (n > 1) {
                    dups++;
                    if (dupSample.size() < SAMPLES) dupSample.add(service + "/" + op + " ×" + n);
                }
                if (n == 0 && pending.contains(op)) waiting++;
                if (n == 0 && !pending.contains(op)) {
                    lost++;
                    if (lostSample.size() < SAMPLES) lostSample.add(service + "/" + op);
                }
            }
            long count = committed + waiting + lost;
            services.put(service, new CheckResult.Service(count, committed, waiting, lost, dups));
            tIntended += count;
            tCommitted += committed;
            tPending += waiting;
            tLost += lost;
            tDup += dups;
        }
        return new CheckResult(
                tIntended,
                tCommitted,
                tPending,
                tLost,
                tDup,
                services,
                Map.of("lost", List.copyOf(lostSample), "duplicate", List.copyOf(dupSample)));
    }
}
