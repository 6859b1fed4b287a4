package dev.gauntlet.harness.workflow;

import dev.gauntlet.harness.check.IntendedWrite;
import java.util.function.Consumer;

/**
 * What one iteration gets: the upstream to call, the farm service that upstream is (for the ledger), the run's id,
 * and where to declare a write before sending it, so the checker can prove it landed once.
 */
public record WorkflowContext(Api api, String service, String runId, Consumer<IntendedWrite> intents) {

    /** A stable, run-unique operation id for the {@code seq}-th write of a workflow. */
    public String opId(String workflow, long seq) {
        return runId + "-" + workflow + "-" + seq;
    }

    /** Declares a write before it is sent: a crash between the two can then only make it "pending", never invisible. */
    public void intend(String opId) {
        intents.accept(new IntendedWrite(service, opId));
    }
}
