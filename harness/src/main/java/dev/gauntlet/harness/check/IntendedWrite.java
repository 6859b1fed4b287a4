package dev.gauntlet.harness.check;

import java.util.Objects;

/** A write a workflow meant to make: the farm service it goes to and its logical operation id. */
public record IntendedWrite(String service, String opId) {
    public IntendedWrite {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(opId, "op_id");
    }
}
