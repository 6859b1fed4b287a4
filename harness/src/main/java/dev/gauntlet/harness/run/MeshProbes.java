package dev.gauntlet.harness.run;

import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.Mesh;
import java.util.Map;
import java.util.Set;

/** Reads a live mesh for the run: DLQ, breakers, token refreshes, from the connectors' status and the DLQ. */
public final class MeshProbes {

    private MeshProbes() {}

    /** The probe of an in-process mesh. */
    public static final class OfMesh implements MeshProbe {
        private final Mesh mesh;
        private final Map<String, String> services;

        public OfMesh(Mesh mesh, Map<String, String> services) {
            this.mesh = mesh;
            this.services = Map.copyOf(services);
        }

        @Override
        public long dlqBacklog() {
            return 0; // wired to the durable DLQ when it lands
        }

        @Override
        public long openCircuits() {
            long open = 0;
            for (Connector c : mesh.connectors()) {
                Object state = c.status().getOrDefault("circuit", Map.of()).get("state");
                if (state != null && state.toString().toUpperCase(java.util.Locale.ROOT).contains("OPEN") && !state.toString().toUpperCase(java.util.Locale.ROOT).contains("HALF")) open++;
            }
            return open;
        }

        @Override
        public double tokenRefreshP99Ms() {
            double worst = Double.NaN;
            for (Connector c : mesh.connectors()) {
                Object p99 = c.status().getOrDefault("auth", Map.of()).get("refresh_p99_ms");
                if (p99 instanceof Number n && (Double.isNaN(worst) || n.doubleValue() > worst)) worst = n.doubleValue();
            }
            return worst;
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
            return Set.of();
        }
    }
}
