package dev.gauntlet.mesh.idempotency;

import dev.gauntlet.mesh.Checks;

/**
 * How writes carry their key upstream.
 *
 * @param header  the vendor's header ("Idempotency-Key" for Stripe and the farm's services)
 * @param enabled when false, writes carry no key: ambiguous failures then go to the DLQ as unknown outcome
 */
public record IdempotencyConfig(String header, boolean enabled) {
    public static final IdempotencyConfig DEFAULT = new IdempotencyConfig("Idempotency-Key", true);

    public IdempotencyConfig {
        Checks.text("idempotency.header", header);
    }
}
