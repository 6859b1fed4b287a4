package dev.gauntlet.harness.workflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Several AAM nodes behind one run, as a load balancer spreads calls over them: each operation goes to the next node in
 * turn (round-robin); a node that refused a connection is skipped for {@code skipFor} and its turn goes to the next live
 * one. Counts what each node was sent, so a run can say how the load was spread.
 */
public final class AamNodes {

    /** How long a node that refused a connection is left out of the turn by default. */
    public static final Duration SKIP_FOR = Duration.ofSeconds(2);

    /** What was sent to one node: calls it answered or broke off, and connections it refused. */
    public record Count(long sent, long refused) {}

    private final List<String> urls;
    private final long skipForNanos;
    private final LongSupplier nanoTime;
    private final AtomicInteger turn = new AtomicInteger();
    /** Per node, the {@link #nanoTime} until which it is skipped (0: live). */
    private final AtomicLongArray downUntil;

    private final AtomicLong[] sent;
    private final AtomicLong[] refused;

    /**
     * @param urls     the nodes' base URLs (a trailing slash is dropped), at least one, none blank or repeated
     * @param skipFor  how long a node that refused a connection is skipped
     * @param nanoTime the clock in nanoseconds ({@code System::nanoTime} outside tests)
     * @throws IllegalArgumentException naming {@code aam_url} when a URL is blank or repeated, or none is given
     */
    public AamNodes(List<String> urls, Duration skipFor, LongSupplier nanoTime) {
        if (urls.isEmpty()) throw new IllegalArgumentException("aam_url: names no AAM node");
        var out = new ArrayList<String>();
        for (String raw : urls) {
            String u = raw == null ? "" : raw.strip();
            while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
            if (u.isEmpty()) throw new IllegalArgumentException("aam_url: an empty node URL in " + urls);
            if (out.contains(u)) throw new IllegalArgumentException("aam_url: node " + u + " is named twice");
            out.add(u);
        }
        if (skipFor.isNegative()) throw new IllegalArgumentException("skip_for must be ≥ 0, was " + skipFor);
        this.urls = List.copyOf(out);
        this.skipForNanos = skipFor.toNanos();
        this.nanoTime = nanoTime;
        this.downUntil = new AtomicLongArray(out.size());
        this.sent = new AtomicLong[out.size()];
        this.refused = new AtomicLong[out.size()];
        for (int i = 0; i < out.size(); i++) {
            sent[i] = new AtomicLong();
            refused[i] = new AtomicLong();
        }
    }

    /** The nodes with the default {@link #SKIP_FOR} on the system's clock. */
    public static AamNodes of(List<String> urls) {
        return new AamNodes(urls, SKIP_FOR, System::nanoTime);
    }

    /** The nodes' base URLs, in the order given. */
    public List<String> urls() {
        return urls;
    }

    public int size() {
        return urls.size();
    }

    /**
     * The node the next operation goes to: the next in turn that is not being skipped; when every node is being
     * skipped, the next in turn anyway (one of them may be back, and the caller's deadline bounds the tries).
     */
    public int next() {
        int n = urls.size();
        int start = Math.floorMod(turn.getAndIncrement(), n);
        long now = nanoTime.getAsLong();
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            long until = downUntil.get(i);
            if (until == 0 || now - until >= 0) return i;
        }
        return start;
    }

    /** Node {@code i}'s base URL. */
    public String url(int i) {
        return urls.get(i);
    }

    /** A call was sent to node {@code i} (its connection was made): it is live again if it was skipped. */
    public void sent(int i) {
        sent[i].incrementAndGet();
        downUntil.set(i, 0);
    }

    /** Node {@code i} refused a connection (not running): skip it for a while. */
    public void refused(int i) {
        refused[i].incrementAndGet();
        // 0 means live, so a deadline that lands on 0 is nudged by one nanosecond.
        long until = nanoTime.getAsLong() + skipForNanos;
        downUntil.set(i, until == 0 ? 1 : until);
    }

    /** Whether every node is being skipped now. */
    public boolean allDown() {
        long now = nanoTime.getAsLong();
        for (int i = 0; i < urls.size(); i++) {
            long until = downUntil.get(i);
            if (until == 0 || now - until >= 0) return false;
        }
        return true;
    }

    /** What each node was sent so far, by URL in the order given. */
    public Map<String, Count> counts() {
        var out = new LinkedHashMap<String, Count>();
        for (int i = 0; i < urls.size(); i++) out.put(urls.get(i), new Count(sent[i].get(), refused[i].get()));
        return out;
    }
}
