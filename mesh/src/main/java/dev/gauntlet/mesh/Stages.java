package dev.gauntlet.mesh;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.internal.auth.AuthStage;
import dev.gauntlet.mesh.internal.auth.Authenticator;
import dev.gauntlet.mesh.internal.auth.OAuthTokens;
import dev.gauntlet.mesh.internal.circuit.CircuitStage;
import dev.gauntlet.mesh.internal.circuit.ConnectorCircuits;
import dev.gauntlet.mesh.internal.drift.DriftMappingStage;
import dev.gauntlet.mesh.internal.drift.SchemaDrift;
import dev.gauntlet.mesh.internal.idempotency.IdempotencyStage;
import dev.gauntlet.mesh.internal.idempotency.SendFenceStage;
import dev.gauntlet.mesh.internal.limit.ConnectorLimits;
import dev.gauntlet.mesh.internal.limit.RateLimitStage;
import dev.gauntlet.mesh.internal.metrics.ObserveStage;
import dev.gauntlet.mesh.internal.retry.RetryStage;
import dev.gauntlet.mesh.internal.transport.Lanes;
import dev.gauntlet.mesh.internal.transport.TransportStage;
import dev.gauntlet.mesh.vendor.Reader;
import java.util.random.RandomGenerator;

/**
 * Each stage of a connector built from its spec and the mesh's shared parts: the one place that knows both, so the
 * stages themselves take only what they use. {@link Connector#standardPipeline} puts them in order.
 */
final class Stages {

    private Stages() {}

    static ObserveStage observe(ConnectorSpec spec, MeshContext context) {
        return new ObserveStage(context.metrics().connector(spec.id()), context.time());
    }

    static IdempotencyStage idempotency(ConnectorSpec spec, MeshContext context, Reader reader) {
        return new IdempotencyStage(
                spec.id(),
                spec.idempotency(),
                spec.dlq(),
                spec.vendor(),
                context.inFlight(),
                context.store().intents(),
                context.store().dlq(),
                context.deadLetters(),
                context.time(),
                reader);
    }

    static RetryStage retry(ConnectorSpec spec, MeshContext context, Reader reader, RandomGenerator random) {
        return new RetryStage(
                spec.id(),
                spec.retry(),
                spec.vendor(),
                spec.idempotency(),
                spec.dlq(),
                context.deadLetters(),
                context.events(),
                context.time(),
                reader,
                random);
    }

    /** @param replays the breakers of the connector's DLQ replays, apart from the live ones ({@link ConnectorCircuits#forReplays}) */
    static CircuitStage circuit(ConnectorSpec spec, MeshContext context, boolean replays) {
        ConnectorCircuits circuits = replays
                ? ConnectorCircuits.forReplays(spec.id(), spec.circuit(), context.time(), context.events())
                : new ConnectorCircuits(spec.id(), spec.circuit(), context.time(), context.events());
        return new CircuitStage(spec.id(), circuits, context.time());
    }

    static RateLimitStage rateLimit(ConnectorSpec spec, MeshContext context) {
        return new RateLimitStage(
                new ConnectorLimits(spec.id(), spec.limit(), context.time(), context.events(), context.buckets()));
    }

    static AuthStage auth(ConnectorSpec spec, MeshContext context) {
        return new AuthStage(Authenticator.of(
                spec.auth(),
                spec.tenants().getFirst(),
                oauth -> new OAuthTokens(
                        spec.id(),
                        oauth,
                        context.http(),
                        context.time(),
                        context.events(),
                        context.store().credentials(),
                        spec.timeouts().attempt(),
                        spec.vendor().classifier().withOverrides(spec.errorRules()))));
    }

    static DriftMappingStage drift(ConnectorSpec spec, MeshContext context) {
        return new DriftMappingStage(
                new SchemaDrift(spec.id(), spec.drift(), context.store().schemas(), context.events(), context.time()));
    }

    static SendFenceStage fence(ConnectorSpec spec, MeshContext context) {
        return new SendFenceStage(
                spec.id(),
                context.store().intents(),
                context.store().dlq(),
                context.time(),
                context.recoverAfter(),
                spec.dlq().settleAfter(ErrorClass.timeout));
    }

    static TransportStage transport(ConnectorSpec spec, MeshContext context) {
        return new TransportStage(
                spec.id(),
                spec::resolve,
                spec.headers(),
                spec.timeouts(),
                new Lanes(spec.id(), spec.limit().maxInFlight(), context.time()),
                spec.vendor().classifier().withOverrides(spec.errorRules()),
                context.http(),
                context.time());
    }
}
