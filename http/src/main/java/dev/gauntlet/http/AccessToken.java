package dev.gauntlet.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Function;

/**
 * The shared secret that guards the admin and proxy routes of the farm, the AAM and the UI (optional on loopback,
 * required for a server bound beyond it). Clients send it as {@value #HEADER}; on routes that are not a vendor's own
 * ({@code Authorization} there carries the vendor's credentials) {@code Authorization: Bearer} works too. Every
 * gauntlet process reads it from {@value #ENV}, so one variable set for {@code ./gauntlet up} also reaches
 * {@code ./gauntlet run}, {@code ./gauntlet dlq} and the harness.
 */
public final class AccessToken {

    /** The request header that carries the token. */
    public static final String HEADER = "X-Gauntlet-Token";
    /** The environment variable every gauntlet command reads the token from. */
    public static final String ENV = "GAUNTLET_TOKEN";
    /** Shorter tokens are refused: guessing must not be practical. */
    static final int MIN_LENGTH = 16;

    private final String value;
    private final byte[] bytes;

    private AccessToken(String value) {
        this.value = value;
        this.bytes = value.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A token of visible ASCII (no spaces), at least {@value #MIN_LENGTH} characters.
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing the value)
     */
    public static AccessToken of(String value) {
        if (value == null || value.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("token must be at least " + MIN_LENGTH + " characters, was "
                    + (value == null ? "absent" : value.length() + " characters"));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException(
                        "token must be visible ASCII without spaces (it travels in a header); character " + (i + 1)
                                + " is not");
            }
        }
        return new AccessToken(value);
    }

    /** The token in {@value #ENV}, if set and not blank. */
    public static Optional<AccessToken> fromEnvironment() {
        String v = System.getenv(ENV);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(of(v.trim()));
    }

    /** A token given explicitly, else the environment's: what a command's {@code --token} option means. */
    public static Optional<AccessToken> explicitOrEnvironment(String explicit) {
        return explicit == null || explicit.isBlank() ? fromEnvironment() : Optional.of(of(explicit.trim()));
    }

    /**
     * Refuses to start a server bound beyond loopback without a token: it would hand the stored credentials (AAM) or
     * the chaos dial (farm) to anyone on the network.
     *
     * @throws IllegalArgumentException naming the server, the host and what to do
     */
    public static void requireBeyondLoopback(String server, String bindHost, Optional<AccessToken> token) {
        if (token.isEmpty() && !BrowserGuard.isLoopback(bindHost)) {
            throw new IllegalArgumentException("the " + server + " would listen on " + bindHost
                    + ", beyond this machine, without a token: " + "give --token (or set " + ENV + ") with at least "
                    + MIN_LENGTH + " characters, or bind 127.0.0.1");
        }
    }

    /** The value, for a client to send. */
    public String value() {
        return value;
    }

    /**
     * Null when the request carries this token, else a 401 refusal naming the header.
     *
     * @param header        the request's headers by name
     * @param bearerAllowed whether {@code Authorization: Bearer} may carry it (not on a vendor's routes)
     */
    public Refusal check(Function<String, String> header, boolean bearerAllowed) {
        String given = header.apply(HEADER);
        if (given == null && bearerAllowed) {
            String auth = header.apply("Authorization");
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7))
                given = auth.substring(7).trim();
        }
        if (given == null || given.isEmpty()) {
            return new Refusal(
                    401,
                    HEADER,
                    "this server requires its access token: send it in " + HEADER
                            + (bearerAllowed ? " (or Authorization: Bearer)" : "") + "; it is the value of " + ENV
                            + " where the server was started");
        }
        // Compared in constant time: how long a wrong guess took must not tell how much of it was right.
        if (!MessageDigest.isEqual(bytes, given.getBytes(StandardCharsets.US_ASCII))) {
            return new Refusal(401, HEADER, "the access token in " + HEADER + " is not this server's");
        }
        return null;
    }

    @Override
    public String toString() {
        return "AccessToken[****]";
    }
}
