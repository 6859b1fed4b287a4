package dev.gauntlet.mesh.vendor;

/**
 * Asks an upstream whether a write of unknown outcome (the answer was lost: reset, timeout, cut body; or the vendor
 * called the outcome indeterminate) was committed, by reading it back by the operation id the write carries. Where a
 * vendor's API can tell, such writes settle themselves: committed ones are done, the others are sent again, and no
 * person has to decide. Where it cannot, {@link #NONE}.
 */
public interface OutcomeCheck {

    /** Whether this write can be read back at all (it carries its op id where the read looks); the others wait for a person. */
    boolean applies(WriteRef write);

    /** Reads the write back. Never throws for the upstream's failures: they are {@link ReadBack.Unknown}. */
    ReadBack readBack(WriteRef write, Reader reader);

    /** For vendors without a way to read a write back: every unknown outcome waits for a person. */
    OutcomeCheck NONE = new OutcomeCheck() {
        @Override
        public boolean applies(WriteRef write) {
            return false;
        }

        @Override
        public ReadBack readBack(WriteRef write, Reader reader) {
            return new ReadBack.Unknown("this vendor's writes cannot be read back");
        }
    };
}
