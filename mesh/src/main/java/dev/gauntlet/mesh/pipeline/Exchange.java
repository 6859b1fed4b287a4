package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.WriteForm;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One logical call on its way through the stages: the request (stages may replace it, e.g. to add the idempotency
 * key or the credential), the time budget and the attempts made so far. It knows nothing of the connector: each stage
 * was built with what it needs of that.
 */
public final class Exchange {
    private final Instant startedAt;
    private final boolean write;
    private final List<Attempt> attempts = new ArrayList<>(2);
    private MeshRequest request;
    private Instant deadline;
    private String idempotencyKey;
    private int attemptNumber;
    private String dlqId;
    private boolean unknownOutcome;
    private String replayOf;
    private WriteForm writeForm;
    private boolean readBack;
    private String intentKey;
    private Instant intentAt;
    private String fenced;
    private java.util.function.BooleanSupplier spareRequest;

    /**
     * @param write whether the call is a write (the connector's idempotency config decides for POSTs that only read);
     *              stages replace headers, never the method or path, so it is decided once
     */
    public Exchange(MeshRequest request, Instant startedAt, boolean write) {
        this.request = request;
        this.startedAt = startedAt;
        this.write = write;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public MeshRequest request() {
        return request;
    }

    /** Whether this call is a write. */
    public boolean isWrite() {
        return write;
    }

    public void request(MeshRequest replaced) {
        this.request = replaced;
    }

    /** When the logical call's time budget ends, or null for none. Retries never outlive it. */
    public Instant deadline() {
        return deadline;
    }

    public void deadline(Instant at) {
        this.deadline = at;
    }

    /** The key every attempt and every replay of this write carries, or null for reads. */
    public String idempotencyKey() {
        return idempotencyKey;
    }

    public void idempotencyKey(String key) {
        this.idempotencyKey = key;
    }

    /** 1 for the first attempt; the retry stage counts up. */
    public int attemptNumber() {
        return attemptNumber;
    }

    public void attemptNumber(int n) {
        this.attemptNumber = n;
    }

    /** Set when the write was parked in the DLQ: the edge then throws {@code MeshException.DeadLettered}. */
    public String dlqId() {
        return dlqId;
    }

    public boolean unknownOutcome() {
        return unknownOutcome;
    }

    public void deadLettered(String id, boolean unknown) {
        this.dlqId = id;
        this.unknownOutcome = unknown;
    }

    /** The DLQ entry this call replays, or null for a live call: a failed replay updates that entry instead of parking a new one. */
    public String replayOf() {
        return replayOf;
    }

    public void replayOf(String dlqId) {
        this.replayOf = dlqId;
    }

    /** How this write is kept exactly once (set by the idempotency stage), or null for reads. */
    public WriteForm writeForm() {
        return writeForm;
    }

    public void writeForm(WriteForm form) {
        this.writeForm = form;
    }

    /**
     * Whether this read asks the upstream whether a write of unknown outcome was committed: only the upstream's own
     * answer tells, so no stage may answer it from an earlier answer (see {@code StaleReadStage}).
     */
    public boolean isReadBack() {
        return readBack;
    }

    public void readBack(boolean readBack) {
        this.readBack = readBack;
    }

    /**
     * When this call last wrote its write's intent (recorded it, or renewed it before an attempt): the lease by which
     * no other node or recovery takes the write over; null when no intent was recorded (reads).
     */
    public Instant intentAt() {
        return intentAt;
    }

    /** The key this call's intent was recorded under (a retry may send under a fresh key later), or null. */
    public String intentKey() {
        return intentKey;
    }

    public void intent(String key, Instant at) {
        this.intentKey = key;
        this.intentAt = at;
    }

    /**
     * Why this write was stopped before an attempt because another party holds it now (recovery moved its intent to
     * the DLQ, another send recorded it, its DLQ claim was taken over); null while it may be sent.
     */
    public String fenced() {
        return fenced;
    }

    public void fenced(String why) {
        this.fenced = why;
    }

    /**
     * Whether the upstream's budget has room now for one more request than the attempt itself - a hedge's second
     * request, which the upstream counts like any other (the rate-limit stage takes a token without waiting); true when
     * no stage limits the rate.
     */
    public boolean spareRequest() {
        return spareRequest == null || spareRequest.getAsBoolean();
    }

    public void spareRequest(java.util.function.BooleanSupplier takeToken) {
        this.spareRequest = takeToken;
    }

    public List<Attempt> attempts() {
        return attempts;
    }

    public void record(Attempt attempt) {
        attempts.add(attempt);
    }
}
