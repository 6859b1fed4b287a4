package dev.gauntlet.farm.chaos;

import java.util.SplittableRandom;

/**
 * Decides each request's fault as a pure function of (seed, service, client, request ordinal, level, profile), so the
 * same request sequence under the same seed meets the same faults in every run.
 */
public final class FaultPlanner {

    private static final int[] SERVER_STATUSES = {500, 502, 503, 504};
    // Shares of 5xx statuses roughly as public status-page incident write-ups report them: mostly 500 and 503.
    private static final double[] SERVER_STATUS_WEIGHTS = {0.4, 0.15, 0.35, 0.1};

    private final long seed;

    public FaultPlanner(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    public Fault decide(String service, String client, long ordinal, ChaosLevel level, ErrorProfile profile) {
        if (level.isQuiet()) {
            return Fault.NONE;
        }
        SplittableRandom random = new SplittableRandom(key(service, client, ordinal));
        long delay = latency(random, level.latencyMs());
        double u = random.nextDouble();
        double pick = random.nextDouble();
        double errorShare = level.errorRate();
        double networkShare = Math.min(1 - errorShare, level.networkRate() * profile.networkMultiplier());
        FaultType type;
        if (u < errorShare) {
            type = ErrorProfile.pick(profile.errors(), pick);
        } else if (u < errorShare + networkShare) {
            type = ErrorProfile.pick(profile.network(), pick);
        } else {
            return delay == 0 ? Fault.NONE : new Fault(null, 0, false, delay);
        }
        double aux = random.nextDouble();
        return switch (type) {
            case server_error -> new Fault(type, serverStatus(aux), false, delay);
            case slow -> new Fault(type, 0, false, delay + profile.slowMs() + (long) (aux * profile.slowMs()));
            case timeout -> new Fault(type, 0, aux < 0.5, profile.hangMs());
            // A truncated body needs an answer to cut, so the request has been carried out.
            case truncate -> new Fault(type, 0, true, delay);
            case reset, close -> new Fault(type, 0, aux < 0.5, delay);
            case rate_limit, lock_timeout, auth_revoke -> new Fault(type, 0, false, delay);
            case overloaded -> throw new IllegalStateException("overloaded is never drawn (ErrorProfile refuses it)");
        };
    }

    /**
     * A further draw in [0, 1) for the same request, independent of {@link #decide}'s, for a choice a flavour adds on
     * top of the planner's (which of two 429s an injected rate limit is); {@code salt} keeps such choices apart.
     */
    public double draw(String service, String client, long ordinal, long salt) {
        return new SplittableRandom(mix(key(service, client, ordinal) ^ salt)).nextDouble();
    }

    private static int serverStatus(double u) {
        double acc = 0;
        for (int i = 0; i < SERVER_STATUSES.length; i++) {
            acc += SERVER_STATUS_WEIGHTS[i];
            if (u < acc) return SERVER_STATUSES[i];
        }
        return 500;
    }

    static long latency(SplittableRandom random, ChaosLevel.Latency latency) {
        double gaussian = gaussian(random);
        if (latency.median() <= 0) {
            return 0;
        }
        double ms = latency.median() * Math.exp(latency.sigma() * gaussian);
        return (long) Math.min(ms, latency.max());
    }

    /** Box–Muller; always consumes two draws so the later draws do not depend on the latency settings. */
    private static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    long key(String service, String client, long ordinal) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ service.hashCode());
        h = mix(h ^ client.hashCode());
        return mix(h ^ ordinal);
    }

    /** SplitMix64's finaliser: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
