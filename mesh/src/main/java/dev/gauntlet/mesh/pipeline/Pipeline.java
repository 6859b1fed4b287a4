package dev.gauntlet.mesh.pipeline;

import java.util.List;

/** An ordered list of stages; {@link dev.gauntlet.mesh.Connector} builds the standard one in one readable method. */
public final class Pipeline {
    private final List<Stage> stages;

    public Pipeline(List<Stage> stages) {
        if (stages.isEmpty()) throw new IllegalArgumentException("a pipeline needs at least one stage (the transport)");
        this.stages = List.copyOf(stages);
    }

    public Outcome run(Exchange exchange) {
        return new Chain(stages, 0).proceed(exchange);
    }

    public List<String> names() {
        return stages.stream().map(Stage::name).toList();
    }

    public List<Stage> stages() {
        return stages;
    }
}
