package dev.gauntlet.mesh.limit;

import java.util.Map;

/**
 * Rate-limit buckets kept outside this process, shared by every node of a mesh (Redis); without one, each bucket lives
 * in this process (the default). Implementations never throw on the call path: an unreachable store answers
 * {@link #UNAVAILABLE} and the node falls back to a conservative local share.
 */
public interface SharedBuckets extends AutoCloseable {

    /** What {@link #take} answers when the shared store cannot be reached. */
    long UNAVAILABLE = -1;

    /**
     * Takes one token from the bucket {@code key} refilled at {@code rps} and holding at most {@code burst}.
     *
     * @return 0 when a token was taken, the nanoseconds until one is free when not, or {@link #UNAVAILABLE}
     */
    long take(String key, double rps, int burst);

    /**
     * Counts one answer to a call through the bucket {@code key} (accepted, or refused with a 429) for every node, without
     * waiting for the store: a node sees only its own answers, and its controller judges what the upstream answered all
     * of them instead.
     */
    void countAnswer(String key, boolean limited);

    /** What every node's calls through the bucket {@code key} were answered so far (counters that only grow), null when unreachable. */
    Answers answers(String key);

    /** Answers every node's calls through a bucket got so far: accepted, and refused with a 429. */
    record Answers(long accepted, long limited) {}

    /** Records a connector's learned upstream limit (calls per second) for every node; answers its new version. */
    long shareLearned(String connector, double rps);

    /** The connector's learned upstream limit as last recorded by any node, {@link Learned#NONE} when none or unreachable. */
    Learned learned(String connector);

    /**
     * A learned limit and its version, which every {@link #shareLearned} raises: a node adopts a value whose version it
     * has not seen yet (another node learned it since).
     */
    record Learned(double rps, long version) {
        public static final Learned NONE = new Learned(Double.NaN, -1);
    }

    /** Nodes seen alive recently (this one included), the last count known; -1 when never known. */
    int liveNodes();

    /** For /health: the backend, whether it is reachable, the live nodes. */
    Map<String, Object> status();

    @Override
    void close();
}
