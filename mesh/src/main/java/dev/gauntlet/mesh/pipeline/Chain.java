package dev.gauntlet.mesh.pipeline;

import java.util.List;

/**
 * The rest of the pipeline after a stage, OkHttp-style. Built once per pipeline (a chain holds no per-call state), so
 * passing a call down the stages allocates nothing.
 */
public final class Chain {
    private final Stage stage;
    private final Chain next;
    private final String last;

    private Chain(Stage stage, Chain next, String last) {
        this.stage = stage;
        this.next = next;
        this.last = last;
    }

    /** The chain that starts at the first stage; each link knows the one after it. */
    static Chain of(List<Stage> stages) {
        Chain end = new Chain(null, null, stages.getLast().name());
        Chain c = end;
        for (int i = stages.size() - 1; i >= 0; i--) c = new Chain(stages.get(i), c, null);
        return c;
    }

    public Outcome proceed(Exchange exchange) {
        if (stage == null) {
            throw new IllegalStateException("the last stage (" + last + ") must answer, not call proceed()");
        }
        return stage.handle(exchange, next);
    }
}
