package dev.gauntlet.mesh.limit;

/**
 * Adapts a bucket's rate to an upstream limit the mesh is not told, one 250 ms window at a time. Not thread-safe on
 * its own: {@link TenantLimiter} calls it under its lock.
 *
 * <p>AIMD alone oscillates around the limit and pays for every crossing in 429s, so the controller first learns the
 * limit: while the upstream's bucket is seen draining (its remaining count stays at or below half its size for the
 * window) the refill rate is exactly {@code (accepted calls + change in remaining) / elapsed}; vendors that send no
 * counts (or whose bucket refilled within the window) give the accepted calls per second of a window that saw 429s. The rate then sits at 95 % of the learned
 * limit, probes above it by 0.5 % of it per window (2 %/s) so a raised limit is found, and is cut back as soon as
 * the upstream's bucket is seen draining again, usually before any 429. A 429 cuts the rate to 95 % of the limit
 * (freshly measured in that window), by a tenth when it was already below, or by half while nothing is learned or
 * when a tenth of the answers or more were refused.
 */
public final class RateController {

    /** Long enough for ~50 answers at 200 rps (a usable sample), short enough to react within a second. */
    public static final long WINDOW_NANOS = 250_000_000L;
    static final double DECREASE = 0.5;
    static final double TARGET = 0.95;
    static final double GENTLE = 0.9;
    static final double CATCH_UP = 0.1;
    static final double PROBE = 0.005;
    static final double SLOW_START = 0.1;
    /** Refusals a window needs before its share counts as "many" (a tenth or more). */
    static final int MANY_AT_LEAST = 3;

    /**
     * A change of rate or of the learned limit, as a value.
     *
     * @param reason        rate_limited, learned_limit or increase; null when only the limit was learned
     * @param learnedSource headers or throughput when {@code learned} changed in this window, else null
     */
    public record Decision(double oldRate, double newRate, String reason, double learned, String learnedSource) {
        public boolean rateChanged() {
            return reason != null;
        }
    }

    private final LimitConfig config;
    private double rate;
    private double learned = Double.NaN;

    private long windowStart;
    private long lastAnswerAt = -1;
    private int accepted;
    private int limited;
    private int waited;
    private long firstAt = -1;
    private long firstRemaining;
    private long lastAt;
    private long lastRemaining;
    private long maxRemaining;
    private long quotaLimit = -1;
    private long upstreamBurst = -1;
    private int acceptedSinceFirst;
    private int cleanWindows;

    public RateController(LimitConfig config, long nowNanos) {
        this.config = config;
        this.rate = config.initialRps();
        this.windowStart = nowNanos;
    }

    public double rate() {
        return rate;
    }

    /** The learned upstream limit in calls per second, NaN until learned. */
    public double learned() {
        return learned;
    }

    /** The size of the upstream's bucket as its last counts said, -1 when unknown. */
    public long upstreamBurst() {
        return upstreamBurst;
    }

    /** A caller had to wait on our bucket: demand is at least the rate, so an increase would be used. */
    public Decision onWait(long now) {
        Decision d = maybeClose(now);
        waited++;
        return d;
    }

    /** An answer came back: {@code rateLimited} when it was a rate_limit answer; the quota its headers carried. */
    public Decision onAnswer(long now, boolean rateLimited, UpstreamQuota quota) {
        Decision d = maybeClose(now);
        lastAnswerAt = now;
        if (rateLimited) limited++;
        else accepted++;
        if (quota.known()) {
            if (firstAt < 0) {
                firstAt = now;
                firstRemaining = quota.remaining();
                maxRemaining = quota.remaining();
            } else {
                if (!rateLimited) acceptedSinceFirst++;
                lastAt = now;
                lastRemaining = quota.remaining();
                maxRemaining = Math.max(maxRemaining, quota.remaining());
            }
            if (quota.limit() > 0) quotaLimit = upstreamBurst = quota.limit();
        }
        return d;
    }

    private Decision maybeClose(long now) {
        if (now - windowStart < WINDOW_NANOS) return null;
        // The window ends at its last answer: a pause after it (callers sleeping out a Retry-After) is no traffic.
        long elapsed = lastAnswerAt < windowStart ? 0 : lastAnswerAt - windowStart;
        Decision d = close(elapsed);
        windowStart = now;
        accepted = limited = waited = acceptedSinceFirst = 0;
        firstAt = -1;
        quotaLimit = -1;
        return d;
    }

    private Decision close(long elapsed) {
        // 429s that our rate did not cause say nothing about the limit and must not slow us down (the retry stage
        // already waits out their Retry-After): some answer of the window showed more of the upstream's bucket left
        // than a tenth of it and more than this window's calls could have drained (GitHub's secondary limits, a
        // shared quota's spike, a fault injected at random), or - without counts - a few of them while our own bucket
        // never made anyone wait, so we were not pushing. Cutting on them would ratchet the rate down to the minimum
        // against an upstream that refuses a fixed share whatever the rate.
        // "Many" needs a sample: at 20 calls a second a window holds five answers, and one stray 429 is not a fifth.
        boolean many = limited >= MANY_AT_LEAST && limited * 10 >= limited + accepted;
        boolean countsShowRoom = firstAt >= 0 && quotaLimit > 0 && maxRemaining * 10 > quotaLimit && maxRemaining > accepted + limited;
        boolean noise = limited > 0 && (countsShowRoom || (firstAt < 0 && waited == 0 && !many));
        if (noise) limited = 0;
        double sample = Double.NaN;
        String source = null;
        long span = firstAt < 0 ? 0 : lastAt - firstAt;
        // A window that saw 429s may be cut short by callers sleeping out their Retry-After: a fifth of it will do.
        long needed = limited > 0 ? WINDOW_NANOS / 5 : WINDOW_NANOS / 2;
        if (span >= needed && quotaLimit > 0 && maxRemaining * 2 <= quotaLimit) {
            // The upstream's bucket never refilled past half: it was not capped, so every token it added was either
            // taken by us or is still in the count.
            sample = (acceptedSinceFirst + lastRemaining - firstRemaining) * 1e9 / span;
            source = "headers";
        } else if (many && accepted > 0 && firstAt < 0 && elapsed >= WINDOW_NANOS / 2) {
            // No counts: in a window that saw 429s what the upstream accepted is about its rate (a burst may inflate it
            // once; the next window corrects it). With counts that never showed a drained bucket, the 429s were bursts
            // colliding, not the rate: they say nothing of the limit.
            sample = accepted * 1e9 / elapsed;
            source = "throughput";
        }
        double oldLearned = learned;
        if (sample > 0) {
            // A figure far from the estimate (the limit moved), or a lower one backed by 429s, is taken at once; one
            // near it is averaged in (counts over 250 ms jitter by a few %, and the rate follows the estimate).
            boolean far = sample < 0.7 * learned || sample > 1.3 * learned;
            if (Double.isNaN(learned) || far || (limited > 0 && sample < learned)) learned = sample;
            else learned = 0.5 * learned + 0.5 * sample;
        }
        boolean learnedChanged = !Double.isNaN(learned) && (Double.isNaN(oldLearned) || Math.abs(learned - oldLearned) > 0.05 * oldLearned);
        String learnedSource = learnedChanged ? source : null;

        double old = rate;
        String reason = null;
        boolean knows = !Double.isNaN(learned);
        double target = knows ? learned * TARGET : Double.NaN;
        if (limited > 0) {
            // Above the learned limit: back to just below it (it was measured in this very window). Already below it,
            // yet refused: the limit moved or someone shares it, so step down gently rather than halve on stale news.
            // Nothing learned and a tenth or more refused: halve.
            // A tenth of the answers or more refused is no collision of bursts: the limit fell well below us.
            // A few refused with nothing learned: step down gently too; halving on every stray 429 would sink the
            // rate against an upstream that refuses a small share at any rate.
            rate = many ? (knows && rate > target ? Math.min(target, rate * DECREASE) : rate * DECREASE)
                    : knows && rate > target ? target : rate * GENTLE;
            reason = "rate_limited";
        } else if (source != null && rate > target) {
            rate = target;
            reason = "learned_limit";
        } else if (waited > 0) {
            // Nothing learned yet: grow by a tenth per window (doubling in under 2 s) until the upstream says where it ends.
            if (!knows) rate += Math.max(1, rate * SLOW_START);
            else if (rate < target) rate = Math.min(target, rate + Math.max(1, learned * CATCH_UP));
            else if (firstAt >= 0 && span > 0 && lastRemaining < firstRemaining) {
                // The upstream's bucket is going down: we are at its limit already. Hold, and let the drain show it.
                cleanWindows = 0;
            } else {
                // Above the target with no sign of the limit: probe, doubling the step every second it stays quiet
                // (0.5 % of the limit per window at first, at most a tenth of the rate), so a limit that was raised
                // (or learned too low without counts) is found in seconds, while a correct one costs a few 429s a cycle.
                cleanWindows++;
                double step = learned * PROBE * (1 << Math.min(cleanWindows / 4, 5));
                rate += Math.max(0.1, Math.min(step, rate * CATCH_UP));
            }
            reason = "increase";
        }
        if (limited > 0 || source != null) cleanWindows = 0;
        rate = Math.clamp(rate, config.minRps(), config.maxRps());
        if (reason != null && rate == old) reason = null;
        if (reason == null && !learnedChanged) return null;
        return new Decision(old, rate, reason, learned, learnedSource);
    }
}
