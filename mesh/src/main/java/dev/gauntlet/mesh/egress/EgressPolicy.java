package dev.gauntlet.mesh.egress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where connectors may send requests and credentials, checked when a connector is registered ({@code base_url} and an
 * OAuth {@code token_url}): http(s) only; public addresses; origins allowed by name (the farm); and loopback,
 * link-local (cloud metadata at 169.254.169.254) and private ranges only when allowed explicitly. A connector's
 * credentials go with its requests, so a {@code base_url} of {@code http://127.0.0.1:9000} (or {@code 0x7f000001},
 * or a name resolving there) would hand them to whatever listens there.
 *
 * <p>Names are resolved at registration with the system resolver (the one the HTTP client uses, which also reads
 * {@code 0x7f000001} as 127.0.0.1); every address a name resolves to must pass. A name that later resolves elsewhere
 * (DNS rebinding) is not caught: allow only names you control.
 */
public final class EgressPolicy {

    /** Any http(s) URL: a program that builds its own mesh chose its URLs (the library's default). */
    public static final EgressPolicy OPEN = new EgressPolicy(true, Set.of(), List.of(), Set.of(), Set.of());

    /** The address ranges that need an explicit allowance, by the name an allowance uses. */
    public enum Range {
        /** 127.0.0.0/8, ::1, and the unspecified 0.0.0.0 and :: (which reach this machine). */
        loopback,
        /** 169.254.0.0/16 and fe80::/10: a cloud's metadata service lives here. */
        link_local,
        /** 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT) and fc00::/7. */
        private_network
    }

    private record Origin(String scheme, int port, Set<InetAddress> addresses, String text) {}

    private record Cidr(byte[] network, int bits, String text) {
        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) return false;
            int full = bits / 8;
            for (int i = 0; i < full; i++) if (b[i] != network[i]) return false;
            int rest = bits % 8;
            if (rest == 0) return true;
            int mask = 0xff << (8 - rest) & 0xff;
            return (b[full] & mask) == (network[full] & mask);
        }
    }

    private final boolean open;
    private final Set<Range> ranges;
    private final List<Origin> origins;
    private final Set<Cidr> cidrs;
    private final Set<String> hosts;

    private EgressPolicy(boolean open, Set<Range> ranges, List<Origin> origins, Set<Cidr> cidrs, Set<String> hosts) {
        this.open = open;
        this.ranges = Set.copyOf(ranges);
        this.origins = List.copyOf(origins);
        this.cidrs = Set.copyOf(cidrs);
        this.hosts = Set.copyOf(hosts);
    }

    /** A policy of public addresses only, to which allowances are added. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Throws when {@code url} is not http(s) or leads where this policy does not allow.
     *
     * @param field the config field, named in the message (base_url, auth.token_url)
     * @throws IllegalArgumentException naming the field, the URL's host, the address at fault and how to allow it
     */
    public void check(String field, URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(field + " must be an http(s) URL, was '" + url + "'");
        }
        String host = url.getHost();
        if (host == null || host.isBlank())
            throw new IllegalArgumentException(field + " must name a host, was '" + url + "'");
        if (url.getRawUserInfo() != null)
            throw new IllegalArgumentException(field + " must not carry a user name or password in the URL");
        if (open) return;
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (hosts.contains(bare.toLowerCase(Locale.ROOT))) return;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    field + " host '" + host + "' does not resolve; the egress policy must know where a connector's "
                            + "credentials would go (allow it by name with --allow-egress " + host + ")");
        }
        int port = url.getPort() >= 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
        for (InetAddress a : addresses) {
            if (allowed(scheme, port, a)) continue;
            Range range = rangeOf(a);
            String how = range == null
                    ? ""
                    : " (allow " + range.name().replace('_', '-') + " addresses with --allow-egress "
                            + range.name().replace('_', '-') + ", or this range, e.g. " + a.getHostAddress()
                            + "/32, or the host by name)";
            throw new IllegalArgumentException(field + " '" + url + "' leads to " + a.getHostAddress() + ", a "
                    + (range == null ? "multicast" : range.name().replace('_', ' '))
                    + " address the egress policy does not allow: "
                    + "a connector's credentials would go there" + how + "; allowed: " + describe());
        }
    }

    private boolean allowed(String scheme, int port, InetAddress a) {
        for (Origin o : origins) {
            if (o.scheme().equals(scheme) && o.port() == port && o.addresses().contains(a)) return true;
        }
        for (Cidr c : cidrs) if (c.contains(a)) return true;
        if (a.isMulticastAddress()) return false;
        Range range = rangeOf(a);
        return range == null || ranges.contains(range);
    }

    /** The range an address needs allowing for, or null for a public one. */
    static Range rangeOf(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) return Range.loopback;
        if (a.isLinkLocalAddress()) return Range.link_local;
        if (a.isSiteLocalAddress()) return Range.private_network;
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) return Range.private_network;
        if (a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) return Range.private_network;
        if (a.isMulticastAddress()) return null;
        return null;
    }

    /** What this policy lets through, for messages and the health page. */
    public List<String> describe() {
        if (open) return List.of("any http(s) host");
        List<String> out = new ArrayList<>();
        out.add("public addresses");
        origins.forEach(o -> out.add(o.text()));
        ranges.forEach(r -> out.add(r.name().replace('_', '-') + " addresses"));
        cidrs.forEach(c -> out.add(c.text()));
        hosts.forEach(out::add);
        return out;
    }

    /** Builds a policy: public addresses plus what is allowed here. */
    public static final class Builder {
        private final Set<Range> ranges = new LinkedHashSet<>();
        private final List<Origin> origins = new ArrayList<>();
        private final Set<Cidr> cidrs = new LinkedHashSet<>();
        private final Set<String> hosts = new LinkedHashSet<>();

        private Builder() {}

        /**
         * Allows exactly this origin (scheme, host's addresses and port), e.g. the farm's URL.
         *
         * @throws IllegalArgumentException when it is not an http(s) URL or its host does not resolve
         */
        public Builder allowOrigin(String url) {
            URI u;
            try {
                u = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("egress origin must be an http(s) URL, was '" + url + "'", e);
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.startsWith("http") || u.getHost() == null)
                throw new IllegalArgumentException("egress origin must be an http(s) URL, was '" + url + "'");
            String host = u.getHost().startsWith("[")
                    ? u.getHost().substring(1, u.getHost().length() - 1)
                    : u.getHost();
            try {
                origins.add(new Origin(
                        scheme,
                        u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : 80,
                        Set.of(InetAddress.getAllByName(host)),
                        scheme + "://" + u.getRawAuthority()));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("egress origin '" + url + "' does not resolve", e);
            }
            return this;
        }

        /**
         * One allowance: {@code loopback}, {@code link-local}, {@code private}, a CIDR range ({@code 10.1.0.0/16},
         * {@code fd00::/8}) or a host name (allowed whatever it resolves to).
         *
         * @throws IllegalArgumentException naming the entry and the forms taken
         */
        public Builder allow(String entry) {
            String e = entry == null ? "" : entry.trim().toLowerCase(Locale.ROOT);
            switch (e) {
                case "loopback" -> ranges.add(Range.loopback);
                case "link-local" -> ranges.add(Range.link_local);
                case "private" -> ranges.add(Range.private_network);
                case "" ->
                    throw new IllegalArgumentException(
                            "egress allowance must not be blank: loopback, link-local, private, a CIDR or a host name");
                default -> {
                    if (e.contains("/")) cidrs.add(cidr(e));
                    else if (e.matches("[a-z0-9.:\\[\\]-]+"))
                        hosts.add(e.startsWith("[") ? e.substring(1, e.length() - 1) : e);
                    else
                        throw new IllegalArgumentException("egress allowance '" + entry
                                + "' is not loopback, link-local, private, a CIDR or a host name");
                }
            }
            return this;
        }

        private static Cidr cidr(String text) {
            String[] parts = text.split("/", 2);
            try {
                InetAddress network = InetAddress.ofLiteral(parts[0]);
                int bits = Integer.parseInt(parts[1]);
                if (bits < 0 || bits > network.getAddress().length * 8) throw new NumberFormatException();
                return new Cidr(network.getAddress(), bits, text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "egress allowance '" + text + "' is not a CIDR range like 10.1.0.0/16 or fd00::/8");
            }
        }

        public EgressPolicy build() {
            return new EgressPolicy(false, ranges, origins, cidrs, hosts);
        }
    }
}
