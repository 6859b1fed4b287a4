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
 *
 * <p>With a bucket shared by several nodes each node sees only its own answers: through {@link Peers} every window is
 * judged on what the upstream answered all of them, so every node learns the limit they share rather than its own
 * share of it; and a window that saw refusals is judged on a sample, not on 250 ms - it stays open until it holds
 * {@value #THROUGHPUT_SAMPLE} answers or {@link #LONG_WINDOW_NANOS} passed, so a node sending a few calls a second
 * still tells a limit from a stray 429.
 */
final class RateController {

    /** Long enough for ~50 answers at 200 rps (a usable sample), short enough to react within a second. */
    public static final long WINDOW_NANOS = 250_000_000L;

    /**
     * The longest a window with refusals waits for its sample: at 6 calls a second against a limit of 2 it holds about
     * 20 answers, and a limit far below the rate is still cut within seconds.
     */
    public static final long LONG_WINDOW_NANOS = 4_000_000_000L;

    /**
     * The other nodes sharing the bucket: given this node's window of answers, what the upstream answered all of them
     * since the last window (null when alone or not known: the window is judged on its own answers).
     */
    @FunctionalInterface
    public interface Peers {
        Answers everyNode(int accepted, int limited);

        Peers ALONE = (accepted, limited) -> null;
    }

    /** A window's answers: accepted, and refused with a 429. */
    public record Answers(int accepted, int limited) {}

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
    /** Answers a window of {@link #LONG_WINDOW_NANOS} (a few calls a second) needs to be taken for the limit. */
    static final int LONG_SAMPLE = 8;
    /**
     * Answers met since the last cut or learned limit before the rate probes above the limit: a probe costs a 429 or
     * two whatever the rate, so at a few calls a second it must come rarely (at 200 a second this is half a second).
     */
    static final int PROBE_AFTER = 100;
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
    private final Peers peers;
    /**
     * Whether other nodes share the bucket. The sample-sized windows and the rules that go with them (marked "shared")
     * apply to shared buckets only, where each node sees a few answers a second; a bucket of one node keeps the
     * behaviour its figures were measured with (held open for 20 answers, hell's random 429s on Stripe at 40 calls a
     * second were "many" often enough to ratchet its learned limit from 35 to 6 calls a second in 60 s).
     */
    private final boolean shared;

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
    /** Answers since the last cut or learned limit (probing waits for {@link #PROBE_AFTER}). */
    private int answersSinceCut;

    private boolean shareKnown;
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
    private boolean deepArmed;
    private String learnedSourceSoFar;

    public RateController(LimitConfig config, long nowNanos) {
        this(config, nowNanos, Peers.ALONE);
    }

    public RateController(LimitConfig config, long nowNanos, Peers peers) {
        this.config = config;
        this.peers = peers;
        this.shared = peers != Peers.ALONE;
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

    /**
     * Another node learned the upstream's limit (its value reached us through the shared store): take it as ours, and
     * come down to just below it at once when above.
     */
    public Decision adopt(double limit) {
        if (!(limit > 0)) return null;
        // About what this node holds already (two nodes learned it in the same second): nothing to adopt, and this
        // node's own series of cuts goes on being judged.
        if (!Double.isNaN(learned) && Math.abs(limit - learned) <= 0.05 * learned) return null;
        double old = rate;
        double oldLearned = learned;
        learned = limit;
        learnedSourceSoFar = "shared";
        answersSinceCut = 0;
        // The node that learned it judges its own series of cuts; this one starts afresh from its value.
        episodeRate = Double.NaN;
        deepAnswers = deepRefused = 0;
        deepArmed = false;
        String reason = null;
        if (rate > limit * TARGET) {
            rate = Math.clamp(limit * TARGET, config.minRps(), config.maxRps());
            reason = rate == old ? null : "learned_limit";
        }
        boolean changed = Double.isNaN(oldLearned) || Math.abs(limit - oldLearned) > 0.05 * oldLearned;
        if (reason == null && !changed) return null;
        return new Decision(old, rate, reason, learned, changed ? "shared" : null);
    }

    private Decision maybeClose(long now) {
        long age = now - windowStart;
        if (age < WINDOW_NANOS) return null;
        // Refusals are judged on a sample: a few answers (a few calls a second) cannot tell a limit from chance.
        if (shared && limited > 0 && accepted + limited < THROUGHPUT_SAMPLE && age < LONG_WINDOW_NANOS) return null;
        // The window ends at its last answer: a pause after it (callers sleeping out a Retry-After) is no traffic.
        long elapsed = lastAnswerAt < windowStart ? 0 : lastAnswerAt - windowStart;
        Decision d = close(elapsed, now - windowStart);
        windowStart = now;
        accepted = limited = waited = acceptedSinceFirst = 0;
        firstAt = -1;
        quotaLimit = -1;
        return d;
    }

    /** @param window the whole window, to its close: what every node's counts (read at each close) cover */
    private Decision close(long elapsed, long window) {
        // With other nodes on the bucket the window is judged on what the upstream answered all of them: one node's
        // share alone would learn its share of the limit, and a node whose calls happen to meet the empty bucket
        // (or never do) would cut alone (or never).
        // The refused share's history (noise, a series of cuts) stays this node's own: its windows are sized on its own
        // answers, and judged on them the share is what each node meets (the same for all, when it is noise).
        final int ownAccepted = accepted, ownLimited = limited;
        Answers all = peers.everyNode(accepted, limited);
        double scale = 1;
        if (all != null) {
            scale = accepted == 0 ? 1 : (double) all.accepted() / accepted;
            accepted = all.accepted();
            limited = all.limited();
            // Every node's counts cover the window to its close, not to this node's last answer: a node with few
            // answers of its own (its last one early in the window) learned 147/s of a limit of 4 over that shorter
            // time, shared it to every node, and 429s followed.
            elapsed = window;
        }
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
        if (ownLimited + ownAccepted > 0) {
            double share = (double) ownLimited / (ownLimited + ownAccepted);
            // The first window's share as it is: a series of cuts that begins at once must remember how bad it was.
            shareEwma = shareKnown || !shared ? 0.7 * shareEwma + 0.3 * share : share;
            shareKnown = true;
        }
        answersSinceCut += limited + accepted;
        noiseShare *= NOISE_DECAY;
        String restored = null;
        // Without counts, a series of cuts that took the rate down by a third yet left the refused share where it was
        // shows an upstream that refuses a fixed share whatever we send (faults injected at random, a quota someone
        // else drains): a limit of ours would have stopped refusing us. Remember that share as noise, forget a limit
        // learned from those refusals, and go back to the rate the series began at - cutting on would ratchet the rate
        // down to the minimum (as it did under hell's random 429s: Stripe and MongoDB at 1 rps, p99 30 s).
        boolean deep = firstAt < 0 && !Double.isNaN(episodeRate) && rate <= EPISODE_DEPTH * episodeRate;
        // The first window at the lowered rate is not judged: it still pays for the limit the cut measured (a first
        // measurement inflated by the upstream's burst, refusals in flight), which a real limit's next window no
        // longer shows - and noise's does.
        boolean judged = deep && (deepArmed || !shared);
        deepArmed = deep;
        deep = judged;
        if (deep) {
            deepAnswers += ownLimited + ownAccepted;
            deepRefused += ownLimited;
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
            // Every node's calls drain the upstream's bucket: ours, scaled to all of them, are what it gave out.
            sample = (acceptedSinceFirst * scale + lastRemaining - firstRemaining) * 1e9 / span;
            source = "headers";
        } else if (many
                && (limited + accepted >= THROUGHPUT_SAMPLE
                        || (shared && elapsed >= LONG_WINDOW_NANOS / 2 && limited + accepted >= LONG_SAMPLE))
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
            // Up from throughput, a third at most at a time: a window's accepted calls can outrun the limit by the
            // upstream's burst (a node resumed after a pause sent its backlog at once: 5.0/s learned of a limit of 4,
            // shared to every node, and 429s followed); the counts of headers are exact.
            if (shared && "throughput".equals(source) && !Double.isNaN(oldLearned) && learned > oldLearned * 1.3)
                learned = oldLearned * 1.3;
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
            // A limit measured in this very window is the best news there is: just below it, by a tenth at least (a
            // burst can make a window's accepted calls outrun the rate; a cut never raises it). Halving below a
            // fresh measurement starved low limits: 2.1 -> 1.05 calls a second against a limit of 2.
            rate = many
                    ? (shared && source != null
                            ? Math.min(target, rate * GENTLE)
                            : knows && rate > target ? Math.min(target, rate * DECREASE) : rate * DECREASE)
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
            } else if (shared && answersSinceCut < PROBE_AFTER) {
                // Just cut or learned: hold at the target until enough calls passed for a probe's 429 to be rare.
                cleanWindows = 0;
            } else {
                // Above the target with no sign of the limit: probe, doubling the step every second it stays quiet
                // (0.5 % of the limit per window at first, at most a tenth of the rate), so a limit that was raised
                // (or learned too low without counts) is found in seconds, while a correct one costs a few 429s a
                // cycle.
                cleanWindows++;
                double step = learned * PROBE * (1 << Math.min(cleanWindows / 4, 5));
                // (shared) No floor of 0.1 calls a second: at 2 a second it is a twentieth of the rate per window.
                rate += shared ? Math.min(step, rate * CATCH_UP) : Math.max(0.1, Math.min(step, rate * CATCH_UP));
            }
            reason = "increase";
        }
        if (limited > 0 || source != null) cleanWindows = 0;
        if (limited > 0 || learnedChanged) answersSinceCut = 0;
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
