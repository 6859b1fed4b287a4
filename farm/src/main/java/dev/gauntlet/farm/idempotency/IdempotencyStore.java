package dev.gauntlet.farm.idempotency;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Idempotency-key semantics for one service, scoped per client: the first completed answer to a key (an error inside
 * execution included, where the vendor saves those) is replayed for every later request with that key until the key
 * is {@code ttl} old; the same key with other parameters ({@link IdempotencyFingerprint}) is a mismatch; a key whose
 * first request is still running is "in flight" (409). Keys older than {@code ttl} (by the injected clock) are
 * pruned as new ones arrive, as Stripe prunes its keys after 24 hours: what the store holds is bounded by the keys of
 * the last {@code ttl}, not by every key ever sent.
 *
 * @param <R> the stored answer
 */
public final class IdempotencyStore<R> {

    /** What to do with a request that carries a key. */
    public sealed interface Begin<R> permits Proceed, Replay, Mismatch, InFlight {}

    /** First use: carry the request out, then {@link #complete} or {@link #abandon}. */
    public record Proceed<R>(String slot) implements Begin<R> {}

    /** Seen before with the same parameters: answer this again. */
    public record Replay<R>(R answer) implements Begin<R> {}

    /** Seen before with other parameters. */
    public record Mismatch<R>(String firstFingerprint) implements Begin<R> {}

    /** The first request with this key has not finished. */
    public record InFlight<R>() implements Begin<R> {}

    private static final class Slot<R> {
        final String fingerprint;
        final Instant createdAt;
        volatile R answer;

        Slot(String fingerprint, Instant createdAt) {
            this.fingerprint = fingerprint;
            this.createdAt = createdAt;
        }
    }

    private final InstantSource clock;
    private final Duration ttl;
    private final Map<String, Slot<R>> slots = new ConcurrentHashMap<>();
    /** The slots in the order they were made, oldest first: pruning reads only the head. */
    private final Queue<Map.Entry<String, Slot<R>>> byAge = new ConcurrentLinkedQueue<>();

    public IdempotencyStore(InstantSource clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    public Begin<R> begin(String client, String key, String fingerprint) {
        String slotKey = client + '\u0000' + key;
        Instant now = clock.instant();
        Slot<R> fresh = new Slot<>(fingerprint, now);
        Slot<R> existing =
                slots.compute(slotKey, (k, old) -> old == null || !now.isBefore(old.createdAt.plus(ttl)) ? fresh : old);
        prune(now);
        if (existing == fresh) {
            byAge.add(Map.entry(slotKey, fresh));
            return new Proceed<>(slotKey);
        }
        if (!existing.fingerprint.equals(fingerprint)) return new Mismatch<>(existing.fingerprint);
        R answer = existing.answer;
        return answer == null ? new InFlight<>() : new Replay<>(answer);
    }

    /**
     * Drops the slots that are {@code ttl} old, oldest first; a slot already replaced (its key reused after expiry) or
     * removed is left as it is. Amortised O(1) a request: each slot enters and leaves the queue once.
     */
    private void prune(Instant now) {
        for (Map.Entry<String, Slot<R>> head = byAge.peek(); head != null; head = byAge.peek()) {
            // A clock that steps back can leave a younger slot ahead of an older one: it is pruned a little late.
            if (now.isBefore(head.getValue().createdAt.plus(ttl))) return;
            if (byAge.remove(head)) slots.remove(head.getKey(), head.getValue());
        }
    }

    public void complete(String slot, R answer) {
        Slot<R> s = slots.get(slot);
        if (s != null) s.answer = answer;
    }

    /** The request was refused before it ran (validation, a conflict with another request): the key may be used again, as at Stripe. */
    public void abandon(String slot) {
        slots.remove(slot);
    }

    public int size() {
        return slots.size();
    }

    public void clear() {
        slots.clear();
        byAge.clear();
    }

    /** Forgets these keys for every client (their answers name records that no longer exist); returns how many went. */
    public int forget(Set<String> keys) {
        int before = slots.size();
        slots.keySet().removeIf(slot -> keys.contains(slot.substring(slot.indexOf('\u0000') + 1)));
        return before - slots.size();
    }
}
