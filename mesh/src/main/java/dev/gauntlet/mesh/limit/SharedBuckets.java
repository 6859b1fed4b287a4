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

    /** Records a connector's learned upstream limit (calls per second) for every node. */
    void shareLearned(String connector, double rps);

    /** The connector's learned upstream limit another node (or this one) recorded, NaN when none or unreachable. */
    double learned(String connector);

    /** Nodes seen alive recently (this one included), the last count known; -1 when never known. */
    int liveNodes();

    /** For /health: the backend, whether it is reachable, the live nodes. */
    Map<String, Object> status();

    @Override
    void close();
}
