package dev.gauntlet.harness.workflow.builtin;

import dev.gauntlet.harness.workflow.ApiResult;
import dev.gauntlet.harness.workflow.Shapes;
import dev.gauntlet.harness.workflow.Workflow;
import dev.gauntlet.harness.workflow.WorkflowContext;

/** Paginated reads of each upstream's main list, page after page: stresses rate limits and token refresh. */
public final class HighVolumeRead implements Workflow {

    static final int PAGE_SIZE = 20;

    @Override
    public String name() {
        return "high_volume_read";
    }

    @Override
    public String description() {
        return "paginated reads of each upstream's main list (stresses rate limits and token refresh)";
    }

    @Override
    public ApiResult iterate(WorkflowContext ctx, long seq) {
        String flavor = ctx.api().flavor();
        Object body = Shapes.listBody(flavor, seq, PAGE_SIZE);
        String path = Shapes.listPage(flavor, seq, PAGE_SIZE);
        // A read, even when the vendor's API makes it a POST (MongoDB's find): no op id, nothing for the ledger.
        return body == null ? ctx.api().get(path) : ctx.api().call("POST", path, body, null);
    }
}
