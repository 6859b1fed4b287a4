package dev.gauntlet.mesh.internal.drift;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import java.util.Map;

/** Learns each endpoint's response schema and maps drifted fields back to the names workflows know (see {@link SchemaDrift}). */
public final class DriftMappingStage implements Stage {

    private final SchemaDrift drift;

    public DriftMappingStage(SchemaDrift drift) {
        this.drift = drift;
    }

    @Override
    public String name() {
        return "drift-mapping";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        Outcome outcome = next.proceed(exchange);
        // Only answers the workflow will read are learned: an error body is no schema of the endpoint.
        if (!(outcome instanceof Outcome.Success s) || !drift.active()) return outcome;
        JsonNode mapped =
                drift.observe(exchange.request().method(), exchange.request().path(), s.response());
        return mapped == null ? outcome : new Outcome.Success(s.response().withMapped(mapped));
    }

    @Override
    public Map<String, Object> status() {
        return drift.status();
    }

    /** The connector's drift learner (schemas, mappings), for tests and the status API. */
    public SchemaDrift drift() {
        return drift;
    }
}
