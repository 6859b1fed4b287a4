package dev.gauntlet.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Keeps web pages away from a server meant for local programs (self-contained: JDK only, so every server of the
 * gauntlet can apply the same rule).
 * <ul>
 *   <li>{@link #checkHost}: the {@code Host} header must name this server - a loopback name (localhost, 127.0.0.1,
 *   [::1], any port) or the address it binds; for a wildcard bind (0.0.0.0, ::) also the machine's own addresses and
 *   name. A page on evil.example whose name is made to resolve to 127.0.0.1 (DNS rebinding) sends
 *   {@code Host: evil.example} and is refused.</li>
 *   <li>{@link #checkStateChange}: a request that changes state must not come from another site ({@code Origin} of
 *   another host, {@code Origin: null}, {@code Sec-Fetch-Site: cross-site}) and must carry JSON (or no body at all):
 *   text/plain, form and multipart bodies are what a page can send without the browser asking first (a CORS "simple
 *   request", fetch.spec.whatwg.org), so refusing them leaves a page nothing it can send.</li>
 * </ul>
 * A refusal is a value naming the header at fault ({@link Refusal}, status 403).
 */
public final class BrowserGuard {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", normalise("[::1]"));

    private final Set<String> hosts;

    private BrowserGuard(Set<String> hosts) {
        this.hosts = Set.copyOf(hosts);
    }

    /**
     * The guard of a server bound to {@code bindHost}: loopback names plus that host; for a wildcard bind the
     * machine's interface addresses and host name too (the names a client on the network reaches it by).
     */
    public static BrowserGuard forBinding(String bindHost) {
        Set<String> hosts = new LinkedHashSet<>(LOOPBACK);
        String bound = normalise(bindHost);
        if (bound.equals("0.0.0.0") || bound.equals("[::]") || bound.equals("[0:0:0:0:0:0:0:0]")) {
            hosts.addAll(machineNames());
        } else if (!bound.isEmpty()) {
            hosts.add(bound);
        }
        return new BrowserGuard(hosts);
    }

    /** Whether a bind address keeps a server on this machine (a loopback name or address). */
    public static boolean isLoopback(String bindHost) {
        String h = normalise(bindHost);
        return LOOPBACK.contains(h) || h.startsWith("127.");
    }

    /** The host names this guard accepts (lower case, IPv6 in brackets, no port). */
    public Set<String> hosts() {
        return hosts;
    }

    /** Null when the Host header names this server (or is absent, as HTTP/1.0 allows), else the refusal. */
    public Refusal checkHost(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty()) return null;
        String host = withoutPort(hostHeader);
        if (hosts.contains(host)) return null;
        return Refusal.forbidden(
                "Host",
                "Host '" + hostHeader + "' is not a name of this server (accepted: " + hosts
                        + " with any port); a page whose name resolves here (DNS rebinding) is refused");
    }

    /**
     * Null when a state-changing request may proceed: Host as in {@link #checkHost}, not from another site
     * ({@link #checkSameSite}), and a JSON body (or none).
     *
     * @param header     the request's headers by name
     * @param bodyLength the body's length in bytes (0 when there is none)
     */
    public Refusal checkStateChange(Function<String, String> header, long bodyLength) {
        Refusal site = checkSameSite(header);
        if (site != null) return site;
        return checkContentType(header.apply("Content-Type"), bodyLength, Set.of("application/json"));
    }

    /**
     * Null when the request names this server ({@link #checkHost}) and does not come from a page of another site:
     * no {@code Sec-Fetch-Site: cross-site}, no {@code Origin} of another host (nor {@code Origin: null}). Programs
     * (SDKs, curl) send neither header and pass.
     */
    public Refusal checkSameSite(Function<String, String> header) {
        Refusal host = checkHost(header.apply("Host"));
        if (host != null) return host;
        String site = header.apply("Sec-Fetch-Site");
        if (site != null && site.trim().equalsIgnoreCase("cross-site")) {
            return Refusal.forbidden(
                    "Sec-Fetch-Site",
                    "Sec-Fetch-Site: cross-site: a page of another site may not change this server's state");
        }
        String origin = header.apply("Origin");
        if (origin != null && !origin.isEmpty()) {
            String originHost = originHost(origin);
            if (originHost == null || !hosts.contains(originHost)) {
                return Refusal.forbidden(
                        "Origin",
                        "Origin '" + origin + "' is another site; only pages of this server (" + hosts
                                + ") may change its state");
            }
        }
        return null;
    }

    /**
     * Null when a body's {@code Content-Type} is one of {@code accepted} media types (or there is no body), else the
     * refusal naming what is taken.
     */
    public static Refusal checkContentType(String type, long bodyLength, Set<String> accepted) {
        if (type == null || type.isBlank()) {
            if (bodyLength > 0)
                return Refusal.forbidden(
                        "Content-Type",
                        "a body without Content-Type is refused; send " + String.join(" or ", accepted));
            return null;
        }
        if (!accepted.contains(mediaType(type))) {
            return Refusal.forbidden(
                    "Content-Type",
                    "Content-Type '" + type + "' is refused: this endpoint takes " + String.join(" or ", accepted)
                            + (accepted.contains("application/json")
                                    ? " (text/plain, form and multipart bodies are what any web page can send)"
                                    : ""));
        }
        return null;
    }

    /** The media type without parameters, lower case. */
    private static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** The host of an Origin ({@code scheme://host[:port]}), normalised; null for "null" or anything unreadable. */
    private static String originHost(String origin) {
        try {
            URI uri = new URI(origin.trim());
            if (uri.getScheme() == null || uri.getHost() == null) return null;
            return normalise(uri.getHost());
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** host[:port] → host, lower case, IPv6 in brackets, without a trailing dot. */
    static String withoutPort(String hostHeader) {
        String h = hostHeader.trim();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? h.toLowerCase(Locale.ROOT) : normalise(h.substring(0, close + 1));
        }
        int colon = h.indexOf(':');
        // More than one colon without brackets is a bare IPv6 address (not valid in Host, compared as it is).
        if (colon >= 0 && h.indexOf(':', colon + 1) < 0) h = h.substring(0, colon);
        return normalise(h);
    }

    /** Lower case, no trailing dot; an IPv6 literal in brackets and in one spelling ([::1] and [0:0:0:0:0:0:0:1] alike). */
    private static String normalise(String host) {
        String h = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        String bare = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        if (!bare.contains(":")) return h;
        try {
            // A literal is parsed, never looked up (InetAddress.ofLiteral does no DNS).
            return "[" + InetAddress.ofLiteral(bare).getHostAddress() + "]";
        } catch (IllegalArgumentException e) {
            return "[" + bare + "]";
        }
    }

    /** The machine's addresses and names, for a wildcard bind. */
    private static Set<String> machineNames() {
        Set<String> out = new LinkedHashSet<>();
        try {
            InetAddress local = InetAddress.getLocalHost();
            out.add(normalise(local.getHostName()));
            out.add(normalise(local.getCanonicalHostName()));
        } catch (IOException e) {
            // No resolvable host name: the interface addresses below still name the machine.
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    String text = a.getHostAddress();
                    int zone = text.indexOf('%');
                    out.add(normalise(zone < 0 ? text : text.substring(0, zone)));
                }
            }
        } catch (SocketException e) {
            // Interfaces unreadable: loopback names still apply.
        }
        return out;
    }
}
