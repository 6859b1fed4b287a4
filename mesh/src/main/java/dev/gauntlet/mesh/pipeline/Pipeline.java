package dev.gauntlet.mesh.pipeline;

import java.util.List;

/** An ordered list of stages; {@link dev.gauntlet.mesh.Connector} builds the standard one in one readable method. */
public final class Pipeline {
    private final List<Stage> stages;
    private final Chain chain;

    public Pipeline(List<Stage> stages) {
        if (stages.isEmpty()) throw new IllegalArgumentException("a pipeline needs at least one stage (the transport)");
        this.stages = List.copyOf(stages);
        this.chain = Chain.of(this.stages);
    }

    public Outcome run(Exchange exchange) {
        return chain.proceed(exchange);
    }

    public List<String> names() {
        return stages.stream().map(Stage::name).toList();
    }

    public List<Stage> stages() {
        return stages;
    }
}
