package dev.gauntlet.mesh.internal.limit;

import dev.gauntlet.mesh.limit.LimitConfig;

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
 * when a tenth of the answers or more were refused. Without counts, refusals that cuts do not lessen are learned as the
 * upstream's noise (a share it refuses whatever the rate) and no longer cut the rate.
 */
final class RateController {

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
    /** A series of cuts that took the rate to this share of where it began... */
    static final double EPISODE_DEPTH = 0.7;
    /** ...yet left at least this share of the refusals is no limit of ours: the upstream refuses a fixed share. */
    static final double HELPLESS = 0.7;
    /** A refused share above this is never taken for noise (a real limit far below us looks like that). */
    static final double MAX_NOISE_SHARE = 0.35;
    /** Windows without a cut that end a series of cuts. */
    static final int EPISODE_WINDOWS = 20;
    /** Answers a window needs before what the upstream accepted in it is taken for its limit (no counts). */
    static final int THROUGHPUT_SAMPLE = 20;
    /** Answers the lowered rate must have met before its refused share is judged. */
    static final int DEEP_SAMPLE = 20;
    /** Per-window decay of the remembered noise share (halves in ~35 s once the refusals stop). */
    static final double NOISE_DECAY = 0.995;

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
    /** Refused share of recent windows (smoothed: a window at 20 calls a second holds five answers). */
    private double shareEwma;
    /** The share of answers an upstream refuses whatever our rate (random faults, someone else's use), learned. */
    private double noiseShare;
    /** Where the current series of cuts began (NaN: none) and the refused share then. */
    private double episodeRate = Double.NaN;

    private double episodeShare;
    private int windowsSinceCut;
    /** Answers and refusals met since the series of cuts took the rate below {@link #EPISODE_DEPTH} of its start. */
    private int deepAnswers;

    private int deepRefused;
    private String learnedSourceSoFar;

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
        boolean countsShowRoom =
                firstAt >= 0 && quotaLimit > 0 && maxRemaining * 10 > quotaLimit && maxRemaining > accepted + limited;
        if (limited + accepted > 0) shareEwma = 0.7 * shareEwma + 0.3 * limited / (limited + accepted);
        noiseShare *= NOISE_DECAY;
        String restored = null;
        // Without counts, a series of cuts that took the rate down by a third yet left the refused share where it was
        // shows an upstream that refuses a fixed share whatever we send (faults injected at random, a quota someone
        // else drains): a limit of ours would have stopped refusing us. Remember that share as noise, forget a limit
        // learned from those refusals, and go back to the rate the series began at - cutting on would ratchet the rate
        // down to the minimum (as it did under hell's random 429s: Stripe and MongoDB at 1 rps, p99 30 s).
        boolean deep = firstAt < 0 && !Double.isNaN(episodeRate) && rate <= EPISODE_DEPTH * episodeRate;
        if (deep) {
            deepAnswers += limited + accepted;
            deepRefused += limited;
        }
        double deepShare = deepAnswers == 0 ? 0 : (double) deepRefused / deepAnswers;
        if (deep
                && deepAnswers >= DEEP_SAMPLE
                && deepRefused > 0
                && deepShare >= HELPLESS * episodeShare
                && deepShare <= MAX_NOISE_SHARE) {
            noiseShare = Math.max(noiseShare, deepShare);
            if ("throughput".equals(learnedSourceSoFar)) learned = Double.NaN;
            restored = "noise_floor";
        }
        boolean belowNoiseFloor = firstAt < 0 && noiseShare > 0 && shareEwma <= noiseShare * 1.3;
        boolean noise = limited > 0 && (countsShowRoom || (firstAt < 0 && waited == 0 && !many) || belowNoiseFloor);
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
        } else if (many
                && limited + accepted >= THROUGHPUT_SAMPLE
                && accepted > 0
                && firstAt < 0
                && elapsed >= WINDOW_NANOS / 2) {
            // No counts: in a window that saw 429s what the upstream accepted is about its rate (a burst may inflate it
            // once; the next window corrects it) - given a sample: a window of a handful of answers (hell's 20 calls a
            // second) turns one stray 429 into a "many" and its accepted count into a limit, which ratcheted the
            // learned limit down under random 429s (Stripe 59 -> 25 -> 9 rps in 20 s of hell). Small windows cut
            // gently instead, and the noise rule above stops that when it does not lessen the refusals. With counts
            // that never showed a drained bucket, the 429s were bursts
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
        boolean learnedChanged = !Double.isNaN(learned)
                && (Double.isNaN(oldLearned) || Math.abs(learned - oldLearned) > 0.05 * oldLearned);
        String learnedSource = learnedChanged ? source : null;
        if (sample > 0) learnedSourceSoFar = source;

        double old = rate;
        String reason = null;
        boolean knows = !Double.isNaN(learned);
        double target = knows ? learned * TARGET : Double.NaN;
        if (restored != null) {
            rate = episodeRate;
            episodeRate = Double.NaN;
            reason = restored;
        } else if (limited > 0) {
            // Above the learned limit: back to just below it (it was measured in this very window). Already below it,
            // yet refused: the limit moved or someone shares it, so step down gently rather than halve on stale news.
            // Nothing learned and a tenth or more refused: halve.
            // A tenth of the answers or more refused is no collision of bursts: the limit fell well below us.
            // A few refused with nothing learned: step down gently too; halving on every stray 429 would sink the
            // rate against an upstream that refuses a small share at any rate.
            rate = many
                    ? (knows && rate > target ? Math.min(target, rate * DECREASE) : rate * DECREASE)
                    : knows && rate > target ? target : rate * GENTLE;
            reason = "rate_limited";
        } else if (source != null && rate > target) {
            rate = target;
            reason = "learned_limit";
        } else if (waited > 0) {
            // Nothing learned yet: grow by a tenth per window (doubling in under 2 s) until the upstream says where it
            // ends.
            if (!knows) rate += Math.max(1, rate * SLOW_START);
            else if (rate < target) rate = Math.min(target, rate + Math.max(1, learned * CATCH_UP));
            else if (firstAt >= 0 && span > 0 && lastRemaining < firstRemaining) {
                // The upstream's bucket is going down: we are at its limit already. Hold, and let the drain show it.
                cleanWindows = 0;
            } else {
                // Above the target with no sign of the limit: probe, doubling the step every second it stays quiet
                // (0.5 % of the limit per window at first, at most a tenth of the rate), so a limit that was raised
                // (or learned too low without counts) is found in seconds, while a correct one costs a few 429s a
                // cycle.
                cleanWindows++;
                double step = learned * PROBE * (1 << Math.min(cleanWindows / 4, 5));
                rate += Math.max(0.1, Math.min(step, rate * CATCH_UP));
            }
            reason = "increase";
        }
        if (limited > 0 || source != null) cleanWindows = 0;
        if ("rate_limited".equals(reason)) {
            if (Double.isNaN(episodeRate)) {
                episodeRate = old;
                episodeShare = shareEwma;
                deepAnswers = deepRefused = 0;
            }
            windowsSinceCut = 0;
        } else if (++windowsSinceCut >= EPISODE_WINDOWS) {
            episodeRate = Double.NaN;
        }
        if (Double.isNaN(episodeRate)) deepAnswers = deepRefused = 0;
        rate = Math.clamp(rate, config.minRps(), config.maxRps());
        if (reason != null && rate == old) reason = null;
        if (reason == null && !learnedChanged) return null;
        return new Decision(old, rate, reason, learned, learnedSource);
    }
}
