package dev.gauntlet.mesh.internal.limit;

/**
 * The bucket's decision for one call, as a value (from Bucket4j's ConsumptionProbe).
 *
 * @param granted   a token was taken
 * @param waitNanos when not granted: how long until a token is free
 * @param tokensLeft tokens left in the bucket after the decision
 */
public record Permit(boolean granted, long waitNanos, long tokensLeft) {
    /** A token was taken (tokens left not reported: the hot path allocates nothing for it). */
    public static final Permit GRANTED = new Permit(true, 0, -1);
}
