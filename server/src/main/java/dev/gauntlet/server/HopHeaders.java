package dev.gauntlet.server;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Headers that belong to one hop (RFC 9110 §7.6.1) or that the JDK client sets itself: never forwarded by the two
 * places that forward requests, the egress proxy ({@link ProxyRoutes}) and the UI's proxy to the AAM and the farm
 * ({@link UiServer}). One list, so the two cannot drift apart.
 */
final class HopHeaders {

    /** Lower-case names. */
    static final Set<String> NAMES = Set.of(
            "host",
            "connection",
            "content-length",
            "transfer-encoding",
            "keep-alive",
            "te",
            "trailer",
            "upgrade",
            "proxy-connection",
            "proxy-authenticate",
            "proxy-authorization",
            "expect",
            "http2-settings");

    private HopHeaders() {}

    /** These names and {@code more} (lower-case). */
    static Set<String> and(String... more) {
        return Stream.concat(NAMES.stream(), Stream.of(more)).collect(Collectors.toUnmodifiableSet());
    }
}
