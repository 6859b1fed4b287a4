package dev.gauntlet.mesh.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.limit.LimitConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Several nodes' buckets over one shared bucket, against an upstream limit they are not told and that sends no counts
 * (MongoDB's Data API, Stripe), on a fake clock: calls arrive at a fixed rate (open loop, the load generator's way),
 * spread round-robin over the nodes, wait for a token up to their deadline and are sent once (a 429's Retry-After of
 * 1 s is longer than the connectors' retry wait: the write is parked, the read answered stale). The upstream refuses
 * what its bucket does not cover, and a share of every answer at random besides (chaos), which no rate avoids.
 */
class SharedLimitSimulationTest {

    static final LimitConfig CONFIG = LimitConfig.builder()
            .initialRps(150)
            .minRps(1)
            .maxRps(1000)
            .burst(50)
            .build();
    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final Duration LEARNING = Duration.ofSeconds(15);

    /** What the upstream saw after the learning: refusals of its limit (not chaos's), accepted calls per second. */
    record Result(
            double limitShare, double goodput, long limitRefused, long sent, double noiseShare, List<Double> rates) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "limit 429s %d of %d sent = %.2f %%, goodput %.2f/s, noise %.1f %%, rates %s",
                    limitRefused,
                    sent,
                    limitShare * 100,
                    goodput,
                    noiseShare * 100,
                    rates);
        }
    }

    /** true: print every send and every rate decision (the way to see why a figure moved). */
    static final boolean DEBUG = false;

    record Event(long atNanos, long seq, int node, long arrivedNanos) {}

    static Result simulate(int nodes, double demand, double limit, int upstreamBurst, double noise, Duration length) {
        int[] even = new int[nodes];
        java.util.Arrays.fill(even, 1);
        return simulate(even, demand, limit, upstreamBurst, noise, length);
    }

    /** @param weights each node's share of the calls (a node of weight 1 among 18 sees a call every few seconds) */
    static Result simulate(
            int[] weights, double demand, double limit, int upstreamBurst, double noise, Duration length) {
        int nodes = weights.length;
        int[] turns = java.util.stream.IntStream.range(0, nodes)
                .flatMap(n -> java.util.stream.IntStream.range(0, weights[n]).map(i -> n))
                .toArray();
        var time = new FakeTime();
        var shared = new FakeSharedBuckets(time);
        shared.nodes = nodes;
        var limiters = new ArrayList<TenantLimiter>();
        for (int i = 0; i < nodes; i++) {
            var bus = new EventBus();
            int node = i;
            if (DEBUG)
                bus.subscribe(e -> System.out.printf(Locale.ROOT, "%.3f node %d %s%n", time.nanoTime() / 1e9, node, e));
            limiters.add(new TenantLimiter("c", "default", CONFIG, time, bus, shared));
        }
        var random = new Random(42);
        long start = time.nanoTime();
        long end = start + length.toNanos();
        long learnedFrom = start + LEARNING.toNanos();
        var queue = new PriorityQueue<Event>(
                (a, b) -> a.atNanos != b.atNanos ? Long.compare(a.atNanos, b.atNanos) : Long.compare(a.seq, b.seq));
        long seq = 0;
        long every = Math.round(1e9 / demand);
        for (long t = start; t < end; t += every) queue.add(new Event(t, seq, turns[(int) (seq++ % turns.length)], t));
        double tokens = upstreamBurst;
        long last = start;
        long sent = 0, accepted = 0, limitRefused = 0, noiseRefused = 0;
        while (!queue.isEmpty()) {
            Event e = queue.poll();
            if (e.atNanos > time.nanoTime()) time.advance(Duration.ofNanos(e.atNanos - time.nanoTime()));
            long now = time.nanoTime();
            TenantLimiter limiter = limiters.get(e.node);
            Permit p = limiter.tryAcquire();
            if (!p.granted()) {
                long at = now + Math.max(1_000, p.waitNanos());
                if (at < e.arrivedNanos + DEADLINE.toNanos()) queue.add(new Event(at, seq++, e.node, e.arrivedNanos));
                continue;
            }
            tokens = Math.min(upstreamBurst, tokens + (now - last) * limit / 1e9);
            last = now;
            boolean chaos = random.nextDouble() < noise;
            boolean ok = !chaos && tokens >= 1;
            if (ok) tokens -= 1;
            if (DEBUG && now >= learnedFrom && sent < 30)
                System.out.printf(
                        Locale.ROOT,
                        "t=%.3f tokens=%.2f ok=%s chaos=%s rate=%.2f%n",
                        (now - start) / 1e9,
                        tokens,
                        ok,
                        chaos,
                        limiter.rate());
            if (now >= learnedFrom && now < end) {
                sent++;
                if (ok) accepted++;
                else if (chaos) noiseRefused++;
                else limitRefused++;
            }
            limiter.onAnswer(!ok, UpstreamQuota.NONE);
        }
        double seconds = (end - learnedFrom) / 1e9;
        return new Result(
                sent == 0 ? 0 : (double) limitRefused / sent,
                accepted / seconds,
                limitRefused,
                sent,
                sent == 0 ? 0 : (double) noiseRefused / sent,
                limiters.stream().map(l -> Math.round(l.rate() * 100) / 100.0).toList());
    }

    @Test
    void oneNodeLearnsALowLimitFromAFewCallsASecond() {
        // Storm's MongoDB in the multi-node test with its limit lowered: 2/s (burst 2) under 6 calls a second, 2 %
        // chaos 429s - all of it through one node on shared limits (the others dead or frozen). A node without shared
        // limits keeps the 250 ms windows and does not learn so low a limit yet (88 % refused here; docs/mesh.md).
        Result r = simulate(1, 6, 2, 2, 0.022, Duration.ofSeconds(60));
        System.out.println("one node, 6/s over a 2/s limit: " + r);
        assertThat(r.limitShare()).as(r.toString()).isLessThanOrEqualTo(0.02);
        assertThat(r.goodput()).as(r.toString()).isGreaterThanOrEqualTo(0.8 * 2);
    }

    @Test
    void threeNodesLearnTheLimitTheyShareNotTheirThirdOfIt() {
        Result r = simulate(3, 6, 4, 4, 0.022, Duration.ofSeconds(60));
        System.out.println("three nodes, 6/s over a 4/s limit: " + r);
        assertThat(r.limitShare()).as(r.toString()).isLessThanOrEqualTo(0.02);
        assertThat(r.goodput()).as(r.toString()).isGreaterThanOrEqualTo(0.8 * 4);
    }

    @Test
    void aNodeWithFewCallsOfItsOwnJudgesEveryNodesCountsOverItsWholeWindow() {
        // Nodes 2 and 3 get a call in twenty between them: their own last answer comes early in a window that every
        // node's counts cover to its close (once learned 147/s of a limit of 4 in the multi-node test, and shared it).
        // 8.5 % refused when their windows were judged to their last own answer, 2.4-3.1 % since (December 2026): not
        // yet
        // the 2 % of an even spread, asserted at 4 % so that a regression shows.
        Result r = simulate(new int[] {18, 1, 1}, 6, 4, 4, 0.022, Duration.ofSeconds(60));
        System.out.println("three nodes 18:1:1, 6/s over a 4/s limit: " + r);
        assertThat(r.limitShare()).as(r.toString()).isLessThanOrEqualTo(0.04);
        assertThat(r.goodput()).as(r.toString()).isGreaterThanOrEqualTo(0.8 * 4);
    }

    @Test
    void threeNodesAtAHighRateToo() {
        // Not yet the 2 % of one node (RateLimitStageTest): each node keeps a rate of its own (only the learned limit
        // is shared), so their probes above it add up - 2.3-2.8 % in December 2026 (13 % before the nodes judged their
        // windows on every node's answers). Asserted at 5 % so that a regression shows.
        Result r = simulate(3, 300, 200, 200, 0.0, Duration.ofSeconds(60));
        System.out.println("three nodes, 300/s over a 200/s limit: " + r);
        assertThat(r.limitShare()).as(r.toString()).isLessThanOrEqualTo(0.05);
        // 0.89-0.99 of the limit carried across the last changes: each node's rate its own, the shared bucket mixes
        // their intervals.
        assertThat(r.goodput()).as(r.toString()).isGreaterThanOrEqualTo(0.85 * 200);
    }

    @Test
    void randomRefusalsOfAFreeUpstreamDoNotThrottleIt() {
        // Hell's Stripe or MongoDB: about 5 % of answers are chaos's 429s whatever the rate; its limit (60/s) is far
        // above the 20 calls a second offered. The mesh must carry the whole demand.
        for (int nodes : new int[] {1, 3}) {
            Result r = simulate(nodes, 20, 60, 60, 0.055, Duration.ofSeconds(60));
            System.out.println(nodes + " node(s), 20/s, limit 60/s, 5.5 % noise: " + r);
            assertThat(r.goodput()).as(r.toString()).isGreaterThanOrEqualTo(0.93 * 20);
        }
    }
}
