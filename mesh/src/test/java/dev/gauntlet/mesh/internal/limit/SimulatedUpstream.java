package dev.gauntlet.mesh.internal.limit;

import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plays an upstream with its own token bucket (rate unknown to the mesh) on the fake clock, answering 429 when it is
 * empty, like the farm: each call takes {@code latency} of fake time; headers as the farm's rest flavour sends them
 * (or none, like Stripe).
 */
final class SimulatedUpstream implements Stage {

    record Call(Instant at, boolean limited) {}

    final FakeTime time;
    final int burst;
    final boolean sendsCounts;
    final Duration latency;
    final List<Call> calls = new ArrayList<>();
    double rate;
    private double tokens;
    private Instant last;

    SimulatedUpstream(FakeTime time, double rate, int burst, boolean sendsCounts, Duration latency) {
        this.time = time;
        this.rate = rate;
        this.burst = burst;
        this.sendsCounts = sendsCounts;
        this.latency = latency;
        this.tokens = burst;
        this.last = time.instant();
    }

    @Override
    public String name() {
        return "upstream";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        Instant now = time.instant();
        tokens = Math.min(burst, tokens + Duration.between(last, now).toNanos() * rate / 1e9);
        last = now;
        boolean ok = tokens >= 1;
        if (ok) tokens -= 1;
        calls.add(new Call(now, !ok));
        time.advance(latency);
        Map<String, List<String>> headers = sendsCounts
                ? Map.of(
                        "X-RateLimit-Limit",
                        List.of(Integer.toString(burst)),
                        "X-RateLimit-Remaining",
                        List.of(Long.toString((long) tokens)))
                : Map.of();
        MeshResponse r = new MeshResponse(ok ? 200 : 429, headers, null, null, null, false);
        return ok
                ? new Outcome.Success(r)
                : new Outcome.Failure(ErrorClass.rate_limit, 429, "HTTP 429", Duration.ofSeconds(1), r);
    }

    /** Accepted calls per second and 429 share of attempts in [from, to). */
    double[] stats(Instant from, Instant to) {
        long ok = 0;
        long limited = 0;
        for (Call c : calls) {
            if (c.at().isBefore(from) || !c.at().isBefore(to)) continue;
            if (c.limited()) limited++;
            else ok++;
        }
        double seconds = Duration.between(from, to).toNanos() / 1e9;
        return new double[] {ok / seconds, ok + limited == 0 ? 0 : (double) limited / (ok + limited)};
    }
}
