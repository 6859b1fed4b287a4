package dev.gauntlet.farm.limit;

/**
 * At most N requests in any window of a given length (Salesforce's rolling 24-hour allocation): requests are counted
 * in 60 slots per window, and a request is allowed while the slots of the last window hold fewer than N. A slot
 * leaves the count whole when it falls out of the window, so a spent allocation comes back gradually, as the oldest
 * requests age out, not all at once.
 */
final class RollingWindow {

    static final int SLOTS = 60;

    /** A verdict: allowed or not, what is left, when one more fits, and when the window is empty again. */
    record Decision(boolean allowed, long remaining, long waitMillis, long emptyInMillis) {}

    private final long windowMillis;
    private final long slotMillis;
    private final long[] counts = new long[SLOTS];
    private final long[] slotStart = new long[SLOTS];

    RollingWindow(long windowMillis) {
        this.windowMillis = windowMillis;
        this.slotMillis = Math.max(1, windowMillis / SLOTS);
    }

    synchronized Decision tryAcquire(long nowMillis, long limit) {
        long slot = nowMillis / slotMillis;
        int i = (int) (slot % SLOTS);
        if (slotStart[i] != slot * slotMillis) {
            slotStart[i] = slot * slotMillis;
            counts[i] = 0;
        }
        long used = 0;
        long oldest = Long.MAX_VALUE;
        long newest = Long.MIN_VALUE;
        for (int s = 0; s < SLOTS; s++) {
            if (counts[s] > 0 && slotStart[s] > nowMillis - windowMillis) {
                used += counts[s];
                oldest = Math.min(oldest, slotStart[s]);
                newest = Math.max(newest, slotStart[s]);
            }
        }
        boolean allowed = used < limit;
        if (allowed) {
            counts[i]++;
            used++;
            oldest = Math.min(oldest, slotStart[i]);
            newest = Math.max(newest, slotStart[i]);
        }
        long wait = allowed || oldest == Long.MAX_VALUE ? 0 : Math.max(1, oldest + windowMillis - nowMillis);
        long empty = newest == Long.MIN_VALUE ? 0 : Math.max(0, newest + slotMillis + windowMillis - nowMillis);
        return new Decision(allowed, Math.max(0, limit - used), wait, empty);
    }
}
