package dev.gauntlet.farm;

import dev.gauntlet.http.AccessToken;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run a farm. Build with {@link #builder()}; bad values are refused at once with the value in the message.
 *
 * @param servicesDir   folder of user service YAML files, watched for changes; null for built-ins only
 * @param servicePorts  service id to a port of its own where it answers at the root (0 = any free port)
 * @param chaosFile     a user's chaos levels and profiles file; null for the built-in one
 * @param watchInterval how often the services folder is checked for changes
 * @param dataDir       where the ledger and the fault log are kept on disk and restored from at start; null: memory only
 * @param token         the access token the admin routes require; empty: none (refused when bound beyond loopback)
 * @param processingDeadline how long after its arrival a write may still begin executing (8 s); later it is refused
 *                      with a 503 and never committed, so a client may read a timed-out write back after this bound
 */
public record FarmConfig(
        String host,
        int port,
        long seed,
        Path servicesDir,
        Map<String, Integer> servicePorts,
        Path chaosFile,
        InstantSource clock,
        Duration watchInterval,
        boolean builtIns,
        Path dataDir,
        Optional<AccessToken> token,
        Duration processingDeadline) {

    /** The default {@link #processingDeadline}: hell's longest processing (5 s) with room to spare. */
    public static final Duration PROCESSING_DEADLINE = Duration.ofSeconds(8);

    public FarmConfig {
        if (processingDeadline == null || processingDeadline.isNegative() || processingDeadline.isZero()) {
            throw new IllegalArgumentException("processing_deadline must be positive, was " + processingDeadline);
        }
        servicePorts = Map.copyOf(servicePorts);
        Objects.requireNonNull(token, "token");
        AccessToken.requireBeyondLoopback("farm", host, token);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the documented defaults: 127.0.0.1:8001, seed 42, built-in services, system clock. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8001;
        private long seed = 42;
        private Path servicesDir;
        private final Map<String, Integer> servicePorts = new LinkedHashMap<>();
        private Path chaosFile;
        private InstantSource clock = InstantSource.system();
        private Duration watchInterval = Duration.ofSeconds(1);
        private Duration processingDeadline = PROCESSING_DEADLINE;
        private boolean builtIns = true;
        private Path dataDir;
        private Optional<AccessToken> token = Optional.empty();

        public Builder host(String host) {
            if (host == null || host.isBlank())
                throw new IllegalArgumentException("host must not be blank, was '" + host + "'");
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = checkPort("port", port);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder servicesDir(Path dir) {
            this.servicesDir = dir;
            return this;
        }

        public Builder servicePort(String serviceId, int port) {
            this.servicePorts.put(serviceId, checkPort("service port of " + serviceId, port));
            return this;
        }

        public Builder chaosFile(Path file) {
            this.chaosFile = file;
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder watchInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero())
                throw new IllegalArgumentException("watch interval must be > 0, was " + interval);
            this.watchInterval = interval;
            return this;
        }

        /** Whether the six built-in services are loaded (true by default). */
        public Builder builtIns(boolean builtIns) {
            this.builtIns = builtIns;
            return this;
        }

        /** Keeps the ledger and the fault log under this folder across restarts (null, the default: memory only). */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** How long after its arrival a write may still begin executing (default 8 s). */
        public Builder processingDeadline(Duration deadline) {
            this.processingDeadline = deadline;
            return this;
        }

        /** The access token the admin routes require (none by default; required when bound beyond loopback). */
        public Builder token(AccessToken token) {
            this.token = Optional.ofNullable(token);
            return this;
        }

        public FarmConfig build() {
            return new FarmConfig(
                    host,
                    port,
                    seed,
                    servicesDir,
                    servicePorts,
                    chaosFile,
                    clock,
                    watchInterval,
                    builtIns,
                    dataDir,
                    token,
                    processingDeadline);
        }

        private static int checkPort(String what, int port) {
            if (port < 0 || port > 65535)
                throw new IllegalArgumentException(what + " must be between 0 and 65535, was " + port);
            return port;
        }
    }
}
