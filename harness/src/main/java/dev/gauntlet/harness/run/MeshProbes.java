package dev.gauntlet.harness.run;

import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.dlq.DlqStats;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a live mesh for the run: DLQ, breakers, token refreshes, from the connectors' status and the DLQ. */
public final class MeshProbes {

    private MeshProbes() {}

    /** A circuit stage's state as its status names it (Resilience4j's states, lower case): open or forced open. */
    static boolean isOpen(String state) {
        return "open".equals(state) || "forced_open".equals(state);
    }

    /** The probe of an in-process mesh. */
    public static final class OfMesh implements MeshProbe {
        private final Mesh mesh;
        private final Map<String, String> services;

        public OfMesh(Mesh mesh, Map<String, String> services) {
            this.mesh = mesh;
            this.services = Map.copyOf(services);
        }

        /** Pending, replaying and dead entries: each one still needs the DLQ (or a person) to finish it. */
        @Override
        public long dlqBacklog() {
            DlqStats s = mesh.dlq().stats();
            return s.pending() + s.replaying() + s.dead();
        }

        @Override
        public long openCircuits() {
            long open = 0;
            for (Connector c : mesh.connectors()) {
                Object state = c.status().getOrDefault("circuit", Map.of()).get("state");
                if (isOpen(state == null ? null : state.toString())) open++;
            }
            return open;
        }

        @Override
        public double tokenRefreshP99Ms() {
            double worst = Double.NaN;
            for (Connector c : mesh.connectors()) {
                Object p99 = c.status().getOrDefault("auth", Map.of()).get("refresh_p99_ms");
                if (p99 instanceof Number n && (Double.isNaN(worst) || n.doubleValue() > worst))
                    worst = n.doubleValue();
            }
            return worst;
        }

        /** p99 of parked-to-replayed time over the entries the DLQ replayed successfully. */
        @Override
        public double dlqDelayMs() {
            List<DlqEntry> done = mesh.dlq().list(new DlqFilter(null, DlqState.succeeded, 100_000));
            if (done.isEmpty()) return Double.NaN;
            long[] ms = done.stream()
                    .mapToLong(
                            e -> Duration.between(e.createdAt(), e.updatedAt()).toMillis())
                    .sorted()
                    .toArray();
            return ms[(int) Math.min(ms.length - 1, Math.ceil(ms.length * 0.99) - 1)];
        }

        @Override
        public long authExpiredSurfaced() {
            return 0;
        }

        /**
         * Writes of this service the DLQ still holds: pending, replaying, or dead (kept with everything needed for a
         * manual replay) - not lost. Discarded entries are a person's decision to drop them, so they count as lost.
         */
        @Override
        public Set<String> pendingOpIds(String service) {
            var out = new HashSet<String>();
            for (DlqState state : List.of(DlqState.pending, DlqState.replaying, DlqState.dead)) {
                for (DlqEntry e : mesh.dlq().list(new DlqFilter(null, state, 100_000))) {
                    if (e.opId() != null && service.equals(services.getOrDefault(e.connector(), e.connector())))
                        out.add(e.opId());
                }
            }
            return out;
        }
    }
}
