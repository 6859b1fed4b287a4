package dev.gauntlet.mesh.store;

import java.time.Instant;

/**
 * Whether the store takes writes now: {@code ok}, or {@code degraded} with the reason since when (writes are refused
 * with {@link StoreUnavailable} until a probe succeeds).
 *
 * @param reason  null when ok
 * @param since   when it became degraded; null when ok
 * @param message what the last failure said (no file path); null when ok
 */
public record StoreHealth(
        boolean ok, StoreUnavailable.Reason reason, Instant since, long retryAfterSeconds, String message) {
    public static final StoreHealth OK = new StoreHealth(true, null, null, 0, null);

    public String status() {
        return ok ? "ok" : "degraded";
    }
}
