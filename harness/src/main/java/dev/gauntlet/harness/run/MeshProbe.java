package dev.gauntlet.harness.run;

import dev.gauntlet.harness.check.PendingWrites;
import java.util.Set;

/** What a run reads from the mesh beyond its calls' results; {@link #NONE} for the naive client, which has none of it. */
public interface MeshProbe extends PendingWrites {

    /** DLQ entries waiting (pending or replaying). */
    long dlqBacklog();

    /**
     * Calls a mesh in a process of its own is still working on (its callers may have stopped waiting for them): a run
     * lets them finish before the checker reads the ledger, or they would count as lost. 0 for a mesh in this process,
     * whose callers all waited for their answers.
     */
    default long callsInFlight() {
        return 0;
    }

    /** Circuits open now, over all connectors. */
    long openCircuits();

    /** p99 of token refresh latency (ms), NaN when no refresh happened. */
    double tokenRefreshP99Ms();

    /** The longest time an entry the DLQ processed waited, parked to replayed (ms); NaN when none was processed. */
    double dlqDelayMs();

    /** auth_expired failures that reached a caller. */
    long authExpiredSurfaced();

    /**
     * What the mesh's process has cost so far ({@code process} of an AAM's {@code /health}) when it runs in a process of
     * its own; null when it runs in the runner's process (or there is no mesh).
     */
    default com.fasterxml.jackson.databind.JsonNode process() {
        return null;
    }

    MeshProbe NONE = new MeshProbe() {
        @Override
        public long dlqBacklog() {
            return 0;
        }

        @Override
        public long openCircuits() {
            return 0;
        }

        @Override
        public double tokenRefreshP99Ms() {
            return Double.NaN;
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
    };
}
