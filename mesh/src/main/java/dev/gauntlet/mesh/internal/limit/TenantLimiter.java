package dev.gauntlet.mesh.internal.limit;

import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.LimitLearned;
import dev.gauntlet.mesh.event.RateAdjusted;
import dev.gauntlet.mesh.limit.LimitConfig;
import dev.gauntlet.mesh.limit.SharedBuckets;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The adaptive token bucket of one connector and tenant: a Bucket4j bucket whose refill rate a {@link RateController} sets. */
final class TenantLimiter {

    private final String connector;
    private final String tenant;
    private final LimitConfig config;
    private final InstantSource clock;
    private final TimeMeter meter;
    private final EventBus events;
    private final Bucket bucket;
    private final RateController controller;
    private volatile double rate;
    private volatile double learned = Double.NaN;
    private volatile long upstreamBurst = -1;
    /** Null: the bucket lives in this process only. */
    private final SharedBuckets shared;

    private final String sharedKey;
    private final BooleanSupplier spare = this::trySpare;
    private volatile int burst;
    /** The shared store was unreachable at the last call: the local bucket runs at {@link #localShare}. */
    private volatile boolean onLocalShare;
    /** Every node's answers as the shared store last counted them (the controller's lock), null before the first. */
    private SharedBuckets.Answers lastAnswers;

    private long lastAnswersAt;
    /** The version of the shared learned limit this node last wrote or adopted, and when it next looks for a newer one. */
    private volatile long learnedVersion = -1;

    private volatile long nextLearnedCheckNanos;

    public TenantLimiter(String connector, String tenant, LimitConfig config, InstantSource clock, EventBus events) {
        this(connector, tenant, config, clock, events, null);
    }

    /** @param shared buckets shared with other nodes (Redis), or null for a bucket in this process only */
    public TenantLimiter(
            String connector,
            String tenant,
            LimitConfig config,
            InstantSource clock,
            EventBus events,
            SharedBuckets shared) {
        this.shared = shared;
        this.sharedKey = connector + ":" + tenant;
        this.burst = config.burst();
        // A limit another node learned is where this node starts (one learned value per connector, not per node).
        SharedBuckets.Learned start = shared == null ? SharedBuckets.Learned.NONE : shared.learned(connector);
        double sharedLearned = start.rps();
        this.learnedVersion = start.version();
        if (!Double.isNaN(sharedLearned) && sharedLearned > 0) {
            this.learned = sharedLearned;
            config = new LimitConfig(
                    Math.clamp(sharedLearned * RateController.TARGET, config.minRps(), config.maxRps()),
                    config.minRps(),
                    config.maxRps(),
                    config.burst(),
                    config.maxInFlight(),
                    config.maxTenants());
        }
        this.connector = connector;
        this.tenant = tenant;
        this.config = config;
        this.clock = clock;
        this.meter = new ClockTimeMeter(clock);
        this.events = events;
        this.rate = config.initialRps();
        // SYNCHRONIZED rather than the default lock-free bucket: the lock-free one copies its state on every consume
        // (about 140 bytes a call, measured with JFR), and one connector's bucket is never contended enough to need
        // CAS.
        this.bucket = Bucket.builder()
                .withCustomTimePrecision(meter)
                .withSynchronizationStrategy(io.github.bucket4j.local.SynchronizationStrategy.SYNCHRONIZED)
                .addLimit(bandwidth(config.burst(), rate))
                .build();
        this.controller = new RateController(
                config, meter.currentTimeNanos(), shared == null ? RateController.Peers.ALONE : this::everyNode);
        this.nextLearnedCheckNanos = meter.currentTimeNanos() + LEARNED_CHECK_NANOS;
    }

    /** How often a node looks for a limit another node learned (one read of the shared store). */
    static final long LEARNED_CHECK_NANOS = 1_000_000_000L;

    /**
     * What the upstream answered every node's calls since the controller last asked (under its lock, once a window);
     * null when the store is unreachable or on the first window (no base yet).
     */
    private RateController.Answers everyNode(int accepted, int limited) {
        SharedBuckets.Answers now = shared.answers(sharedKey);
        if (now == null) return null;
        SharedBuckets.Answers last = lastAnswers;
        long at = meter.currentTimeNanos();
        long since = at - lastAnswersAt;
        lastAnswers = now;
        lastAnswersAt = at;
        // No base, or one from long before this window (a node paused by GC or SIGSTOP, or idle): the growth would be
        // every node's answers over that whole time, judged as one window.
        if (last == null || since > 2 * RateController.LONG_WINDOW_NANOS) return null;
        // Our own answers are in the totals' growth (unless a count is still on its way): never below them.
        return new RateController.Answers((int) Math.max(accepted, now.accepted() - last.accepted()), (int)
                Math.max(limited, now.limited() - last.limited()));
    }

    static Bandwidth bandwidth(int burst, double rps) {
        // One token per period, the period in whole nanoseconds: any rate (2.5 rps, 190.76 rps) within 1 ns per token.
        // (Several tokens per period that do not divide it leave Bucket4j 8.14 answering "wait 0 ns" for a token it
        // then refuses, for ever.)
        long periodNanos = Math.max(1, Math.round(1e9 / rps));
        return Bandwidth.builder()
                .capacity(burst)
                .refillGreedy(1, Duration.ofNanos(periodNanos))
                .build();
    }

    /** Takes a token if one is free; otherwise says how long until one is (and tells the controller callers wait). */
    public Permit tryAcquire() {
        if (shared != null) {
            long wait = shared.take(sharedKey, rate, burst);
            if (wait != SharedBuckets.UNAVAILABLE) {
                if (onLocalShare) switchShare(false);
                return wait == 0 ? Permit.GRANTED : waiting(wait);
            }
            // Redis unreachable: keep serving, on a share of the limit small enough for all the nodes together.
            if (!onLocalShare) switchShare(true);
        }
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) return Permit.GRANTED;
        return waiting(probe.getNanosToWaitForRefill());
    }

    /**
     * Takes a token only if one is free now, without telling the controller that a caller waits: a hedge's second
     * request, which is sent only when the budget has room for it - a hedge not sent is no demand the rate should
     * grow for.
     */
    public boolean trySpare() {
        if (shared != null) {
            long wait = shared.take(sharedKey, rate, burst);
            if (wait != SharedBuckets.UNAVAILABLE) return wait == 0;
        }
        return bucket.tryConsume(1);
    }

    /** {@link #trySpare} as a value, made once: the rate-limit stage hands it to every call it lets through. */
    public BooleanSupplier spare() {
        return spare;
    }

    private Permit waiting(long nanos) {
        RateController.Decision d;
        synchronized (controller) {
            d = controller.onWait(meter.currentTimeNanos());
        }
        apply(d);
        // Here too, not only on answers: a node whose callers only wait (the others' rate holds the shared bucket)
        // gets no answer, kept growing its own rate from 150 to 560/s without adopting the limit of 4 the others
        // learned, and its first tokens came as a burst the upstream refused.
        if (shared != null) adoptShared();
        return new Permit(false, nanos, 0);
    }

    /**
     * The local bucket's rate while the shared store is unreachable: the learned limit divided by the nodes last seen
     * alive, or half the current rate when either is unknown. Never above the current rate.
     */
    double localShare(double r) {
        double limit = learned;
        int nodes = shared == null ? -1 : shared.liveNodes();
        double share = !Double.isNaN(limit) && nodes > 0 ? limit / nodes : r / 2;
        return Math.max(config.minRps(), Math.min(r, share));
    }

    private synchronized void switchShare(boolean toLocal) {
        if (onLocalShare == toLocal) return;
        onLocalShare = toLocal;
        double local = localShare(rate);
        // The local bucket only runs while the shared one is unreachable; it starts at its share.
        configureLocal(burst, toLocal ? local : rate);
        events.publish(new RateAdjusted(
                clock.instant(),
                connector,
                tenant,
                toLocal ? rate : local,
                toLocal ? local : rate,
                toLocal ? "shared_limits_down" : "shared_limits_up"));
    }

    private void configureLocal(int capacity, double rps) {
        // AS_IS: tokens already earned at the old rate stay (at most the burst), so a change never bursts nor stalls.
        bucket.replaceConfiguration(
                BucketConfiguration.builder().addLimit(bandwidth(capacity, rps)).build(),
                TokensInheritanceStrategy.AS_IS);
    }

    /** An upstream answer: whether it was rate_limit, and what its headers say of the upstream's bucket. */
    public void onAnswer(boolean rateLimited, UpstreamQuota quota) {
        RateController.Decision d;
        synchronized (controller) {
            d = controller.onAnswer(meter.currentTimeNanos(), rateLimited, quota);
            upstreamBurst = controller.upstreamBurst();
        }
        if (shared != null && !onLocalShare) shared.countAnswer(sharedKey, rateLimited);
        apply(d);
        if (shared != null) adoptShared();
    }

    /** Once a second: a limit another node learned since this one last looked becomes this node's too. */
    private void adoptShared() {
        long now = meter.currentTimeNanos();
        if (now < nextLearnedCheckNanos) return;
        nextLearnedCheckNanos = now + LEARNED_CHECK_NANOS;
        SharedBuckets.Learned l = shared.learned(connector);
        if (l.version() <= learnedVersion) return;
        learnedVersion = l.version();
        RateController.Decision d;
        synchronized (controller) {
            d = controller.adopt(l.rps());
        }
        apply(d);
    }

    private void apply(RateController.Decision d) {
        if (d == null) return;
        learned = d.learned();
        if (d.learnedSource() != null) {
            // A value adopted from the shared store is not written back (its version is already the newest).
            if (shared != null && !"shared".equals(d.learnedSource()))
                learnedVersion = Math.max(learnedVersion, shared.shareLearned(connector, d.learned()));
            events.publish(new LimitLearned(clock.instant(), connector, tenant, d.learned(), d.learnedSource()));
        }
        if (d.rateChanged()) {
            rate = d.newRate();
            // Our bursts are kept within half the upstream's bucket (when its counts tell its size): a burst of ours as
            // large as its whole bucket meets a half-empty one and earns 429s while the average rate is fine.
            long upstream = upstreamBurst;
            int b = upstream > 0 ? (int) Math.max(1, Math.min(config.burst(), upstream / 2)) : config.burst();
            // Shared: nor more than a second of the rate. At 2 calls a second a burst of 50 is 25 s of calls at once,
            // which an upstream whose own bucket holds a second or two refuses - and a GCRA tolerance of 25 s that
            // makes later callers wait that long.
            if (shared != null) b = (int) Math.min(b, Math.max(1, Math.ceil(d.newRate())));
            burst = b;
            configureLocal(b, onLocalShare ? localShare(d.newRate()) : d.newRate());
            events.publish(new RateAdjusted(clock.instant(), connector, tenant, d.oldRate(), d.newRate(), d.reason()));
        }
    }

    public double rate() {
        return rate;
    }

    /** The learned upstream limit (calls per second), NaN until learned. */
    public double learned() {
        return learned;
    }

    public long tokens() {
        return bucket.getAvailableTokens();
    }

    public Map<String, Object> status() {
        var s = new LinkedHashMap<String, Object>();
        s.put("tokens", tokens());
        s.put("rate_rps", Math.round(rate * 100) / 100.0);
        s.put("learned_limit_rps", Double.isNaN(learned) ? null : Math.round(learned * 100) / 100.0);
        s.put("burst", config.burst());
        if (shared != null) s.put("bucket", onLocalShare ? "local_share" : "shared");
        return s;
    }
}
