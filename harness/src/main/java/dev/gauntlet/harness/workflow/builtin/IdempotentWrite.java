package dev.gauntlet.harness.workflow.builtin;

import dev.gauntlet.harness.workflow.ApiResult;
import dev.gauntlet.harness.workflow.Shapes;
import dev.gauntlet.harness.workflow.Workflow;
import dev.gauntlet.harness.workflow.WorkflowContext;

/** One create per iteration, each with its own operation id, declared before it is sent: the checker's raw material. */
public final class IdempotentWrite implements Workflow {

    @Override
    public String name() {
        return "idempotent_write";
    }

    @Override
    public String description() {
        return "creates records, each with its own operation id; the checker proves each landed exactly once or waits in the DLQ";
    }

    @Override
    public ApiResult iterate(WorkflowContext ctx, long seq) {
        String flavor = ctx.api().flavor();
        String opId = ctx.opId(name(), seq);
        ctx.intend(opId);
        String[] call = Shapes.create(flavor);
        return ctx.api().call(call[0], call[1], Shapes.createBody(flavor, opId, System.currentTimeMillis() / 1000), opId);
    }
}
