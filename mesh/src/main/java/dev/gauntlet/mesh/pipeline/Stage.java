package dev.gauntlet.mesh.pipeline;

import java.util.Map;

/**
 * One step of the mesh pipeline, one file each. A stage either answers itself or passes the exchange on with
 * {@code next.proceed(exchange)} — once, or several times (retry) — and may look at what comes back.
 */
public interface Stage {

    /** Short name for events and metrics ("retry", "auth", …). */
    String name();

    Outcome handle(Exchange exchange, Chain next);

    /** What this stage shows of its state (bucket, breaker, token expiry, …) for the connector's status; empty by default. */
    default Map<String, Object> status() {
        return Map.of();
    }
}
