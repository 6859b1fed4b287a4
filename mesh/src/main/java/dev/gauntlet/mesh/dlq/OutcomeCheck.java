package dev.gauntlet.mesh.dlq;

import dev.gauntlet.mesh.Connector;
import java.util.Optional;

/**
 * Asks an upstream whether an unkeyed write of unknown outcome (the answer was lost: reset, timeout, cut body) was
 * committed, by reading it back. Where a vendor's API can tell, such writes settle themselves: committed ones are done,
 * the others are replayed like any parked write, and no person has to decide. Where it cannot, {@link #NONE}.
 */
public interface OutcomeCheck {

    /** Whether this entry can be read back at all (its body says where); the others wait for a person. */
    boolean applies(DlqEntry entry);

    /** True: it was committed; false: it was not; empty: the read did not tell this time (it failed). */
    Optional<Boolean> committed(DlqEntry entry, Connector connector);

    /** For vendors without a way to read a write back: every unknown outcome waits for a person. */
    OutcomeCheck NONE = new OutcomeCheck() {
        @Override
        public boolean applies(DlqEntry entry) {
            return false;
        }

        @Override
        public Optional<Boolean> committed(DlqEntry entry, Connector connector) {
            return Optional.empty();
        }
    };

    /** Datadog's: the series read back by metric, timestamp and op id tag (stateless, shared). */
    OutcomeCheck DATADOG = new DatadogOutcomeCheck();

    /** The check a flavour's API allows. */
    static OutcomeCheck forFlavor(String flavor) {
        return switch (flavor) {
            case "datadog" -> DATADOG;
            default -> NONE;
        };
    }
}
