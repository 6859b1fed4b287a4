package dev.gauntlet.server;

import dev.gauntlet.http.AccessToken;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How an AAM server starts.
 *
 * @param host          address to bind (127.0.0.1 by default: the proxy injects credentials, so it is not for the network)
 * @param port          port (8002 by default; 0 for any free one)
 * @param farmUrl       the farm the built-in connectors point at and runs drive
 * @param connectorsFile a connectors.yaml, or null for the six built-in connectors
 * @param dataDir       where run reports (and later the store) are written
 * @param scenariosDir  folder of user scenarios (NAME.yaml), or null
 * @param workflowsDir  folder of YAML step workflows, or null
 * @param store         where the mesh keeps its state (see {@link StorageUrls#store})
 * @param limits        where rate-limit buckets live (see {@link StorageUrls#limits})
 * @param clock         wall clock for timestamps the API shows
 * @param recoverAfter  how old a write left in flight must be before it is recovered into the DLQ
 * @param proxyPorts    connector id to a port of its own where its proxy answers at the root (0 = any free port)
 * @param egressAllow   what connectors may reach besides public addresses and the farm: loopback, link-local, private,
 *                      CIDR ranges or host names (see {@link dev.gauntlet.mesh.egress.EgressPolicy})
 * @param token         the access token every route but {@code GET /health} requires, also sent to the farm; empty:
 *                      none (refused when bound beyond loopback)
 * @param advertiseUrl  the URL other nodes and the UI reach this node at (behind NAT, a proxy or a container's port
 *                      mapping), or null for the bind address and port (the host name for a wildcard bind)
 */
public record AamConfig(
        String host,
        int port,
        String farmUrl,
        Path connectorsFile,
        Path dataDir,
        Path scenariosDir,
        Path workflowsDir,
        StorageUrls.Store store,
        StorageUrls.Limits limits,
        InstantSource clock,
        Duration recoverAfter,
        Map<String, Integer> proxyPorts,
        List<String> egressAllow,
        Optional<AccessToken> token,
        String advertiseUrl) {

    public static final int DEFAULT_PORT = 8002;
    public static final String DEFAULT_FARM_URL = "http://127.0.0.1:8001";

    public AamConfig {
        if (host == null || host.isBlank())
            throw new IllegalArgumentException("host must be an address to bind, was '" + host + "'");
        if (port < 0 || port > 65535)
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        Objects.requireNonNull(farmUrl, "farm_url");
        URI u;
        try {
            u = URI.create(farmUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("farm_url must be an http(s) URL, was '" + farmUrl + "'", e);
        }
        if (u.getScheme() == null || !u.getScheme().startsWith("http") || u.getHost() == null) {
            throw new IllegalArgumentException(
                    "farm_url must be an http(s) URL like http://127.0.0.1:8001, was '" + farmUrl + "'");
        }
        farmUrl = farmUrl.endsWith("/") ? farmUrl.substring(0, farmUrl.length() - 1) : farmUrl;
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        // Embedded default: one SQLite file in the data folder, so the DLQ and write intents survive a restart.
        store = store == null
                ? new StorageUrls.Store("sqlite:" + dataDir.resolve("mesh.db"), dataDir.resolve("mesh.db"))
                : store;
        limits = limits == null ? StorageUrls.limits(null) : limits;
        clock = clock == null ? InstantSource.system() : clock;
        // Longer than a call's default budget (30 s), so a write still running on another node is not taken for one a
        // killed process left behind; a single node may shorten it to settle a crash sooner.
        recoverAfter = recoverAfter == null ? Duration.ofMinutes(2) : recoverAfter;
        if (recoverAfter.isNegative() || recoverAfter.isZero())
            throw new IllegalArgumentException("recover_after must be > 0, was " + recoverAfter);
        proxyPorts = proxyPorts(proxyPorts, port);
        egressAllow = egressAllow == null ? List.of() : List.copyOf(egressAllow);
        egress(farmUrl, egressAllow); // each allowance checked now, naming the one at fault
        token = token == null ? Optional.empty() : token;
        AccessToken.requireBeyondLoopback("AAM", host, token);
        advertiseUrl = advertiseUrl(advertiseUrl);
    }

    /** An http(s) URL with a host and an explicit port, no path: what the node is known by. */
    private static String advertiseUrl(String url) {
        if (url == null || url.isBlank()) return null;
        String expected =
                "advertise_url must be an http(s) URL with a host and a port, like http://aam-1.internal:8002,"
                        + " was '" + url + "'";
        URI u;
        try {
            u = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(expected, e);
        }
        if (u.getScheme() == null
                || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                || u.getHost() == null
                || u.getPort() < 1
                || (u.getPath() != null && !u.getPath().isEmpty())
                || u.getQuery() != null
                || u.getUserInfo() != null) throw new IllegalArgumentException(expected);
        return u.toString();
    }

    /** The ports checked (0-65535, none given twice, none the server's own); in the order given, for the banner. */
    private static Map<String, Integer> proxyPorts(Map<String, Integer> given, int port) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Map<Integer, String> taken = new HashMap<>();
        if (port != 0) taken.put(port, "the AAM server");
        for (var e : given == null ? Map.<String, Integer>of().entrySet() : given.entrySet()) {
            String id = e.getKey();
            Integer p = e.getValue();
            if (id == null || id.isBlank())
                throw new IllegalArgumentException("proxy port: the connector id must not be blank, was '" + id + "'");
            if (p == null || p < 0 || p > 65535)
                throw new IllegalArgumentException("proxy port of " + id + " must be between 0 and 65535, was " + p);
            String other = p == 0 ? null : taken.putIfAbsent(p, id);
            if (other != null)
                throw new IllegalArgumentException(
                        "proxy port of " + id + " is " + p + ", which " + other + " already listens on");
            out.put(id, p);
        }
        return Collections.unmodifiableMap(out);
    }

    /** The egress policy: public addresses, the farm's origin, and the allowances given. */
    public dev.gauntlet.mesh.egress.EgressPolicy egress() {
        return egress(farmUrl, egressAllow);
    }

    private static dev.gauntlet.mesh.egress.EgressPolicy egress(String farmUrl, List<String> allow) {
        var b = dev.gauntlet.mesh.egress.EgressPolicy.builder();
        try {
            b.allowOrigin(farmUrl);
        } catch (IllegalArgumentException unresolvable) {
            // A farm whose name does not resolve yet: its connectors are refused until it does, named in their error.
        }
        allow.forEach(b::allow);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: 127.0.0.1:8002, farm at 127.0.0.1:8001, built-in connectors, ./data with the SQLite store in it, local limits. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private String farmUrl = DEFAULT_FARM_URL;
        private Path connectorsFile;
        private Path dataDir;
        private Path scenariosDir;
        private Path workflowsDir;
        private StorageUrls.Store store;
        private StorageUrls.Limits limits;
        private InstantSource clock;
        private Duration recoverAfter;
        private String advertiseUrl;
        private final Map<String, Integer> proxyPorts = new LinkedHashMap<>();
        private Optional<AccessToken> token = Optional.empty();
        private final List<String> egressAllow = new ArrayList<>();

        public Builder host(String v) {
            this.host = v;
            return this;
        }

        public Builder port(int v) {
            this.port = v;
            return this;
        }

        public Builder farmUrl(String v) {
            this.farmUrl = v;
            return this;
        }

        public Builder connectorsFile(Path v) {
            this.connectorsFile = v;
            return this;
        }

        public Builder dataDir(Path v) {
            this.dataDir = v;
            return this;
        }

        public Builder scenariosDir(Path v) {
            this.scenariosDir = v;
            return this;
        }

        public Builder workflowsDir(Path v) {
            this.workflowsDir = v;
            return this;
        }

        public Builder store(StorageUrls.Store v) {
            this.store = v;
            return this;
        }

        public Builder limits(StorageUrls.Limits v) {
            this.limits = v;
            return this;
        }

        public Builder clock(InstantSource v) {
            this.clock = v;
            return this;
        }
        /** How old a write left in flight must be before it is recovered into the DLQ (at start and every minute). */
        public Builder recoverAfter(Duration v) {
            this.recoverAfter = v;
            return this;
        }
        /** A port of its own where the connector's proxy answers at the root (0 = any free port); repeatable. */
        public Builder proxyPort(String connector, int port) {
            this.proxyPorts.put(connector, port);
            return this;
        }

        /** The access token every route but GET /health requires (also sent to the farm); none by default. */
        public Builder token(Optional<AccessToken> v) {
            this.token = Objects.requireNonNull(v, "token");
            return this;
        }

        /** The URL other nodes and the UI reach this node at (null: the bind address and port). */
        public Builder advertiseUrl(String v) {
            this.advertiseUrl = v;
            return this;
        }

        /** An egress allowance: loopback, link-local, private, a CIDR range or a host name; repeatable. */
        public Builder allowEgress(String v) {
            this.egressAllow.add(v);
            return this;
        }

        public AamConfig build() {
            return new AamConfig(
                    host,
                    port,
                    farmUrl,
                    connectorsFile,
                    dataDir,
                    scenariosDir,
                    workflowsDir,
                    store,
                    limits,
                    clock,
                    recoverAfter,
                    proxyPorts,
                    egressAllow,
                    token,
                    advertiseUrl);
        }
    }
}
