package dev.gauntlet.farm.data;

import java.util.Arrays;

/**
 * Which creation sequences are live, as a Fenwick tree over sequence numbers (1, 2, 3, … as a store mints them): the
 * record at an offset is found in O(log n), so a page deep in a large store does not walk from the start. It grows by
 * doubling (node {@code 2c} of a tree twice the size covers everything; the other new nodes cover only empty slots),
 * 4 bytes per sequence ever minted. Thread-safe by one short lock.
 */
final class SeqRanks {

    private static final int FIRST_CAPACITY = 1 << 10;

    private int[] tree = new int[FIRST_CAPACITY + 1];
    private int total;

    /** Marks {@code seq} live ({@code delta} 1) or gone (-1). */
    synchronized void add(long seq, int delta) {
        if (seq < 1) throw new IllegalArgumentException("seq must be at least 1, was " + seq);
        while (seq > capacity()) grow();
        for (int i = (int) seq; i <= capacity(); i += i & -i) tree[i] += delta;
        total += delta;
    }

    /** The sequence of the live record at 0-based {@code offset} in sequence order, or -1 when there are fewer. */
    synchronized long seqAt(int offset) {
        if (offset < 0 || offset >= total) return -1;
        int want = offset + 1;
        int pos = 0;
        for (int step = Integer.highestOneBit(capacity()); step > 0; step >>= 1) {
            int next = pos + step;
            if (next <= capacity() && tree[next] < want) {
                pos = next;
                want -= tree[next];
            }
        }
        return pos + 1;
    }

    synchronized void clear() {
        tree = new int[FIRST_CAPACITY + 1];
        total = 0;
    }

    private int capacity() {
        return tree.length - 1;
    }

    private void grow() {
        int cap = capacity();
        if (cap >= 1 << 30) throw new IllegalStateException("more than 2^30 records minted in one store");
        int[] bigger = Arrays.copyOf(tree, 2 * cap + 1);
        bigger[2 * cap] = total;
        tree = bigger;
    }
}
