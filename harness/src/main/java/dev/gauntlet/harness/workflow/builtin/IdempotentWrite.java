package dev.gauntlet.harness.workflow.builtin;

import dev.gauntlet.harness.workflow.ApiResult;
import dev.gauntlet.harness.workflow.Shapes;
import dev.gauntlet.harness.workflow.Workflow;
import dev.gauntlet.harness.workflow.WorkflowContext;

/**
 * One create per iteration, each with its own operation id, declared before it is sent: the checker's raw material.
 * Each vendor's create goes in its native form for writing exactly once ({@link Shapes#create}).
 */
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
        Shapes.Write w = Shapes.create(flavor, opId, System.currentTimeMillis() / 1000);
        return ctx.api().call(w.method(), w.path(), w.headers(), w.body(), opId);
    }
}
