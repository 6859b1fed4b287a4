package dev.gauntlet.mesh.pipeline;

import java.util.List;

/** The rest of the pipeline after a stage, OkHttp-style: an index into the ordered stage list. */
public final class Chain {
    private final List<Stage> stages;
    private final int index;

    Chain(List<Stage> stages, int index) {
        this.stages = stages;
        this.index = index;
    }

    public Outcome proceed(Exchange exchange) {
        if (index >= stages.size()) {
            throw new IllegalStateException("the last stage (" + stages.getLast().name() + ") must answer, not call proceed()");
        }
        return stages.get(index).handle(exchange, new Chain(stages, index + 1));
    }
}
