package dev.gauntlet.mesh.internal.limit;

import dev.gauntlet.mesh.limit.SharedBuckets;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/** {@link SharedBuckets} in this process on a given clock: the same GCRA as the Redis script, for simulations. */
final class FakeSharedBuckets implements SharedBuckets {

    private final InstantSource clock;
    private final Map<String, Long> tat = new HashMap<>();
    private final Map<String, Learned> learned = new HashMap<>();
    private final Map<String, Answers> answers = new HashMap<>();
    int nodes = 1;

    FakeSharedBuckets(InstantSource clock) {
        this.clock = clock;
    }

    private long nowMicros() {
        var i = clock.instant();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    @Override
    public synchronized long take(String key, double rps, int burst) {
        long now = nowMicros();
        long interval = Math.max(1, Math.round(1e6 / rps));
        long tolerance = interval * (Math.max(1, burst) - 1);
        long t = Math.max(tat.getOrDefault(key, now), now);
        if (t - tolerance > now) return (t - tolerance - now) * 1000;
        tat.put(key, t + interval);
        return 0;
    }

    @Override
    public synchronized void countAnswer(String key, boolean limited) {
        Answers a = answers.getOrDefault(key, new Answers(0, 0));
        answers.put(key, new Answers(a.accepted() + (limited ? 0 : 1), a.limited() + (limited ? 1 : 0)));
    }

    @Override
    public synchronized Answers answers(String key) {
        return answers.getOrDefault(key, new Answers(0, 0));
    }

    @Override
    public synchronized long shareLearned(String connector, double rps) {
        long version = learned.getOrDefault(connector, Learned.NONE).version() + 1;
        learned.put(connector, new Learned(rps, Math.max(1, version)));
        return Math.max(1, version);
    }

    @Override
    public synchronized Learned learned(String connector) {
        return learned.getOrDefault(connector, Learned.NONE);
    }

    @Override
    public int liveNodes() {
        return nodes;
    }

    @Override
    public Map<String, Object> status() {
        return Map.of("backend", "fake");
    }

    @Override
    public void close() {}
}
