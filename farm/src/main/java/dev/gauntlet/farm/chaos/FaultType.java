package dev.gauntlet.farm.chaos;

/** Every kind of fault the farm injects; the lower-case name is what the fault log and status show. */
public enum FaultType {
    /** HTTP 500/502/503/504 in the vendor's envelope. */
    server_error(false),
    /** The vendor's rate-limit answer although the client's bucket had room. */
    rate_limit(false),
    /**
     * An object's lock held too long by another request (Stripe's 429 {@code lock_timeout}, which its SDKs retry). The
     * planner draws it only when a profile lists it; the pipeline turns a flavour's share of {@code rate_limit} faults
     * into it ({@code Vendor.lockTimeoutShare}), so the fault log says which of the two 429s a client met.
     */
    lock_timeout(false),
    /** The access token is revoked before its TTL; the request gets the vendor's expired-session answer. */
    auth_revoke(false),
    /**
     * Not drawn by the dial: a write the farm could not begin executing within its processing deadline of the request's
     * arrival (its own CPU starved, a long injected slowness) is refused with a 503 and never committed. So a write is
     * committed within that deadline or never: the bound a client's read-back after a timeout relies on.
     */
    overloaded(false),
    /** A response delayed well past the level's normal latency. */
    slow(false),
    /** No response ever comes; the client's read timeout has to fire. */
    timeout(true),
    /** TCP reset (RST) instead of a response. */
    reset(true),
    /** The connection is closed (FIN) before any response byte. */
    close(true),
    /** Status line and headers announce the full body, then the connection closes halfway through it. */
    truncate(true);

    private final boolean network;

    FaultType(boolean network) {
        this.network = network;
    }

    /** Faults a client sees at the socket rather than as an HTTP status. */
    public boolean isNetwork() {
        return network;
    }
}
