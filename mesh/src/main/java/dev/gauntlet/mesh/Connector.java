package dev.gauntlet.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.internal.auth.AuthStage;
import dev.gauntlet.mesh.internal.circuit.CircuitStage;
import dev.gauntlet.mesh.internal.circuit.StaleReadStage;
import dev.gauntlet.mesh.internal.dlq.ReplayTarget;
import dev.gauntlet.mesh.internal.retry.RetryStage;
import dev.gauntlet.mesh.internal.transport.BulkheadStage;
import dev.gauntlet.mesh.internal.transport.DeadlineStage;
import dev.gauntlet.mesh.internal.transport.TransportStage;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Pipeline;
import dev.gauntlet.mesh.vendor.BodyEncoding;
import dev.gauntlet.mesh.vendor.Reader;
import dev.gauntlet.mesh.vendor.Vendor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A named upstream behind the mesh pipeline. Calls are synchronous and meant for virtual threads. {@link #execute}
 * returns how a call ended as a {@link CallResult}; the conveniences ({@link #call}, {@link #get}, {@link #post}, …)
 * throw its failures as {@link MeshException} subclasses carrying the class and every attempt.
 */
public final class Connector {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConnectorSpec spec;
    private final MeshContext context;
    private final Pipeline pipeline;
    private final Pipeline replayPipeline;
    private final dev.gauntlet.mesh.internal.limit.TenantCap tenants;
    private final ReplayTarget replayTarget;

    Connector(ConnectorSpec spec, MeshContext context) {
        this.spec = spec;
        this.context = context;
        this.tenants =
                new dev.gauntlet.mesh.internal.limit.TenantCap(spec.limit().maxTenants(), spec.tenants());
        // The retry stage reads plain writes back through this connector's own pipeline (its credentials and limits).
        this.pipeline = standardPipeline(spec, context, this::readBack);
        this.replayPipeline = replayPipeline(pipeline, spec, context, this::readBack);
        this.replayTarget = new ReplayTarget() {
            @Override
            public String id() {
                return spec.id();
            }

            @Override
            public DlqConfig dlq() {
                return spec.dlq();
            }

            @Override
            public IdempotencyConfig idempotency() {
                return spec.idempotency();
            }

            @Override
            public Vendor vendor() {
                return spec.vendor();
            }

            @Override
            public MeshResponse readBack(MeshRequest request) {
                return Connector.this.readBack(request);
            }

            @Override
            public MeshResponse replay(MeshRequest request, String key, String dlqId) {
                return Connector.this.replay(request, key, dlqId);
            }
        };
    }

    /** This connector as the DLQ sees it. */
    ReplayTarget replayTarget() {
        return replayTarget;
    }

    /**
     * The pipeline DLQ replays go through: the live one's stages (one token cache, one bucket for the upstream's limit,
     * one learned schema, one set of metrics), except a breaker and a retry budget of their own. Replays shared the
     * live ones once, and 20 writes that always failed, replayed over and over, held a connector's circuit open so that
     * 35 of 45 valid reads on a calm upstream were refused 503.
     */
    static Pipeline replayPipeline(Pipeline live, ConnectorSpec spec, MeshContext context, Reader reader) {
        return new Pipeline(live.stages().stream()
                .map(s -> switch (s) {
                    case CircuitStage c -> Stages.circuit(spec, context, true);
                    case RetryStage r -> Stages.retry(spec, context, reader, ThreadLocalRandom.current());
                    default -> s;
                })
                .toList());
    }

    /**
     * The mesh pipeline, in the one place its order is written down. A request flows down this list to the
     * transport; the answer flows back up (so drift mapping sees the answer first, and observe sees it last).
     */
    static Pipeline standardPipeline(ConnectorSpec spec, MeshContext context, Reader reader) {
        TransportStage transport = Stages.transport(spec, context);
        return new Pipeline(List.of(
                Stages.observe(spec, context),
                Stages.idempotency(spec, context, reader),
                new DeadlineStage(spec.timeouts().total()),
                new StaleReadStage(spec.staleReads()),
                // ThreadLocalRandom.current() is safe to share: its methods use the calling thread's own state.
                Stages.retry(spec, context, reader, ThreadLocalRandom.current()),
                Stages.circuit(spec, context, false),
                Stages.rateLimit(spec, context),
                Stages.auth(spec, context),
                Stages.drift(spec, context),
                new BulkheadStage(transport.lanes(), transport),
                Stages.fence(spec, context),
                transport));
    }

    public String id() {
        return spec.id();
    }

    public ConnectorSpec spec() {
        return spec;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** Fetches in the background what the first calls would wait for (OAuth tokens of every tenant). */
    void prefetch() {
        for (var stage : pipeline.stages()) {
            if (stage instanceof AuthStage auth) auth.prefetch(spec.tenants());
        }
    }

    /** Every stage's view of its state, by stage name (bucket level and rate, circuit state, token expiry, …). */
    public Map<String, Map<String, Object>> status() {
        var out = new LinkedHashMap<String, Map<String, Object>>();
        for (var stage : pipeline.stages()) {
            Map<String, Object> s = stage.status();
            if (!s.isEmpty()) out.put(stage.name(), s);
        }
        var replays = new LinkedHashMap<String, Object>();
        for (var stage : replayPipeline.stages()) {
            if (stage instanceof CircuitStage || stage instanceof RetryStage) replays.put(stage.name(), stage.status());
        }
        out.put("replays", replays);
        return out;
    }

    /**
     * Runs one logical call through the pipeline and says how it ended: the answer, a failure the mesh will not try
     * again, or a write parked in the DLQ - each with every attempt.
     *
     * @throws MeshException.TenantLimitExceeded when the tenant is new and {@code limit.max_tenants} is reached
     * @throws dev.gauntlet.mesh.store.StoreUnavailable when the store cannot record a write's intent: nothing was sent
     * @throws IllegalArgumentException when the JDK client refuses a header name or value of the request
     */
    public CallResult execute(MeshRequest request) {
        admit(request.tenant());
        return run(pipeline, exchange(request));
    }

    /** Runs one logical call through the pipeline; a failure is thrown (see {@link CallResult#orThrow()}). */
    public MeshResponse call(MeshRequest request) {
        return execute(request).orThrow();
    }

    /**
     * A read-back of a write of unknown outcome, through the live pipeline but never answered stale: a remembered
     * answer of the same read may predate the commit, and taken as "not there" it would send the write a second time.
     */
    private MeshResponse readBack(MeshRequest request) {
        Exchange exchange = exchange(request);
        exchange.readBack(true);
        return run(pipeline, exchange).orThrow();
    }

    /** A new exchange for a call of this connector. */
    Exchange exchange(MeshRequest request) {
        return new Exchange(
                request, context.time().instant(), spec.idempotency().isWrite(request));
    }

    /**
     * Lets a call of this tenant in, or refuses it past {@code limit.max_tenants} distinct tenants ({@link #execute}
     * asks first). Replays are not capped: their tenants were let in when the write was first sent.
     *
     * @throws MeshException.TenantLimitExceeded when the tenant is new and the cap is reached
     */
    public void admit(String tenant) {
        if (!tenants.admit(tenant)) throw new MeshException.TenantLimitExceeded(spec.id(), tenant, tenants.max());
    }

    /**
     * Replays a dead-lettered write through the whole pipeline with the key it was first sent with, so the upstream
     * can tell it from a new write; a failure updates entry {@code dlqId} rather than parking a new one.
     */
    public MeshResponse replay(MeshRequest request, String idempotencyKey, String dlqId) {
        Exchange exchange = exchange(request);
        exchange.idempotencyKey(idempotencyKey);
        exchange.replayOf(dlqId);
        return run(replayPipeline, exchange).orThrow();
    }

    /** The pipeline replays take (tests, status). */
    public Pipeline replayPipeline() {
        return replayPipeline;
    }

    private CallResult run(Pipeline through, Exchange exchange) {
        Outcome outcome = through.run(exchange);
        List<Attempt> attempts = exchange.attempts();
        return switch (outcome) {
            case Outcome.Success s -> new CallResult.Ok(spec.id(), s.response().withAttempts(attempts), attempts);
            case Outcome.Failure f
            when exchange.dlqId() != null ->
                new CallResult.Parked(
                        spec.id(), f.errorClass(), f.message(), exchange.dlqId(), exchange.unknownOutcome(), attempts);
            case Outcome.Failure f ->
                new CallResult.Failed(spec.id(), f.errorClass(), f.status(), f.message(), f.response(), attempts);
        };
    }

    public MeshResponse get(String path) {
        return call(MeshRequest.get(path));
    }

    /** A write with a body in the vendor's encoding (JSON; form for Stripe); {@code opId} names the logical operation. */
    public MeshResponse post(String path, Object body, String opId) {
        return write("POST", path, body, opId);
    }

    public MeshResponse put(String path, Object body, String opId) {
        return write("PUT", path, body, opId);
    }

    public MeshResponse patch(String path, Object body, String opId) {
        return write("PATCH", path, body, opId);
    }

    public MeshResponse delete(String path, String opId) {
        return call(new MeshRequest("DELETE", path, null, null, null, opId, null));
    }

    private MeshResponse write(String method, String path, Object body, String opId) {
        return write(method, path, Map.of(), body, opId);
    }

    /**
     * A write with headers of its own (PostgREST's {@code Prefer: resolution=merge-duplicates}), its body in the
     * vendor's encoding unless it is given as bytes or text.
     */
    public MeshResponse write(String method, String path, Map<String, String> headers, Object body, String opId) {
        byte[] bytes;
        String type;
        if (body instanceof byte[] raw) {
            bytes = raw;
            type = "application/octet-stream";
        } else if (spec.vendor().bodyEncoding() == BodyEncoding.FORM) {
            bytes = Forms.encode(JSON.valueToTree(body)).getBytes(StandardCharsets.UTF_8);
            type = "application/x-www-form-urlencoded";
        } else {
            try {
                bytes = body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("body cannot be written as JSON: " + e.getOriginalMessage(), e);
            }
            type = "application/json";
        }
        return call(new MeshRequest(method, path, headers, bytes, type, opId, null));
    }

    /** The answer's body as JSON (the drift-mapped view when there is one). */
    public static JsonNode json(MeshResponse response) {
        if (response.mapped() != null) return response.mapped();
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "answer is not JSON: " + new String(response.body(), StandardCharsets.UTF_8), e);
        }
    }
}
