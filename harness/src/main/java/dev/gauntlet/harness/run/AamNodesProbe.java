package dev.gauntlet.harness.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What a run reads of several AAM nodes on one store. What the store holds (the DLQ) is read once, from the first node
 * that answers, never summed: every node would report the same entries. What each node holds alone (calls in flight,
 * its circuits, its token refreshes) is read from every node that answers and summed (circuits, calls) or the worst
 * taken (refresh p99). A node that does not answer (killed, frozen) is left out for {@link #SKIP_FOR}.
 */
final class AamNodesProbe implements MeshProbe {

    /** How long a node that did not answer a read is left out. */
    static final Duration SKIP_FOR = Duration.ofSeconds(5);

    private final List<AamProbe> nodes;
    private final LongSupplier nanoTime;
    private final AtomicLongArray skipUntil;

    AamNodesProbe(List<AamProbe> nodes, LongSupplier nanoTime) {
        if (nodes.isEmpty()) throw new IllegalArgumentException("nodes must not be empty");
        this.nodes = List.copyOf(nodes);
        this.nanoTime = nanoTime;
        this.skipUntil = new AtomicLongArray(nodes.size());
    }

    /**
     * The answer of the first node, in order, that gives one; null when none does. Nodes being skipped are asked only
     * when every node is being skipped (one of them may be back).
     */
    private <T> T first(Function<AamProbe, T> read) {
        for (boolean skipped : new boolean[] {false, true}) {
            for (int i = 0; i < nodes.size(); i++) {
                if (skipping(i) != skipped) continue;
                T v = read(i, read);
                if (v != null) return v;
            }
        }
        return null;
    }

    /** The answers of every node that gives one now (nodes being skipped are not asked). */
    private <T> List<T> each(Function<AamProbe, T> read) {
        var out = new ArrayList<T>();
        for (int i = 0; i < nodes.size(); i++) {
            if (skipping(i)) continue;
            T v = read(i, read);
            if (v != null) out.add(v);
        }
        return out;
    }

    private <T> T read(int i, Function<AamProbe, T> read) {
        T v = read.apply(nodes.get(i));
        if (v == null) {
            long until = nanoTime.getAsLong() + SKIP_FOR.toNanos();
            skipUntil.set(i, until == 0 ? 1 : until);
        } else {
            skipUntil.set(i, 0);
        }
        return v;
    }

    private boolean skipping(int i) {
        long until = skipUntil.get(i);
        return until != 0 && nanoTime.getAsLong() - until < 0;
    }

    @Override
    public long dlqBacklog() {
        Long b = first(AamProbe::backlogOrNull);
        return b == null ? 0 : b;
    }

    @Override
    public long callsInFlight() {
        long calls = 0;
        for (Map<String, JsonNode> statuses : each(AamProbe::statusesOrNull)) {
            for (JsonNode st : statuses.values()) calls += AamProbe.inFlight(st);
        }
        return calls;
    }

    /** Each node's open circuits, added: a connector open on two nodes is two circuits open. */
    @Override
    public long openCircuits() {
        long open = 0;
        for (Map<String, JsonNode> statuses : each(AamProbe::statusesOrNull)) {
            for (JsonNode st : statuses.values()) if (AamProbe.open(st)) open++;
        }
        return open;
    }

    /** The worst of the nodes' p99s (each node refreshes on its own). */
    @Override
    public double tokenRefreshP99Ms() {
        double worst = Double.NaN;
        for (Map<String, JsonNode> statuses : each(AamProbe::statusesOrNull)) {
            for (JsonNode st : statuses.values()) {
                double p99 = AamProbe.refreshP99(st);
                if (!Double.isNaN(p99) && (Double.isNaN(worst) || p99 > worst)) worst = p99;
            }
        }
        return worst;
    }

    /**
     * Null: the nodes' processes are not one process, and a killed node's CPU would be missing from any sum, so the
     * report says the AAM's cost was not measured rather than give a part of it.
     */
    @Override
    public JsonNode process() {
        return null;
    }

    @Override
    public double dlqDelayMs() {
        return Double.NaN;
    }

    @Override
    public long authExpiredSurfaced() {
        return 0;
    }

    @Override
    public Set<String> pendingOpIds(String service) {
        Set<String> held = first(p -> p.pendingOpIdsOrNull(service));
        return held == null ? new HashSet<>() : held;
    }
}
