package dev.gauntlet.harness.workflow;

/**
 * A unit of load: each call of {@link #iterate} is one logical operation against the connector the runner hands it.
 * A new instance is made for every run (state such as pagination cursors lives in the instance). Add one in Java by
 * implementing this interface and listing the class in {@code META-INF/services/dev.gauntlet.harness.workflow.Workflow},
 * or without Java as a YAML list of steps ({@link StepWorkflow}).
 */
public interface Workflow {

    /** Its name in scenarios and on the CLI, e.g. "idempotent_write". */
    String name();

    /** One line for {@code gauntlet list} and {@code GET /workflows}. */
    String description();

    /** Whether it knows how to talk to an upstream of this flavour. */
    default boolean supports(String flavor) {
        return true;
    }

    /** The {@code seq}-th operation of the run. Must not throw for upstream failures (they are in the result). */
    ApiResult iterate(WorkflowContext ctx, long seq);
}
