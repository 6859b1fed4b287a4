package dev.gauntlet.farm.spec;

/**
 * Idempotency-key semantics for a service: the first response to a key is replayed to every later request with the
 * same key; the same key with other parameters is refused; a key still in flight answers 409.
 *
 * @param header request header carrying the key
 * @param ttlS   how long a key is remembered
 */
public record IdempotencySpec(String header, Long ttlS) {
    public IdempotencySpec {
        header = header == null ? "Idempotency-Key" : Check.text("idempotency.header", header);
        ttlS = Check.atLeast("idempotency.ttl_s", 1, ttlS == null ? 86_400 : ttlS);
    }
}
