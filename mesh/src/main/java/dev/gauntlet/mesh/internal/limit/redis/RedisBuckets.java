package dev.gauntlet.mesh.internal.limit.redis;

import dev.gauntlet.mesh.limit.RedisUrl;
import dev.gauntlet.mesh.limit.SharedBuckets;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buckets in Redis: one atomic GCRA Lua script per call (one round trip, one key per bucket, Redis's own clock so node
 * clocks need not agree), the learned limits in one hash, and a heartbeat sorted set counting the live nodes. Every
 * failure answers {@link #UNAVAILABLE} at once, and Redis is not asked again for {@link #RETRY_AFTER}: a call never
 * waits on a Redis that is down for more than one command timeout.
 */
public final class RedisBuckets implements SharedBuckets {

    private static final Logger LOG = LoggerFactory.getLogger(RedisBuckets.class);

    /** How long one Redis command may take before the node counts Redis as unreachable. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMillis(250);
    /** How long after a failure the node stays on its local share before it asks Redis again. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** How often the node says it is alive; a node silent for {@link #NODE_TTL} is no longer counted. */
    static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(2);

    static final Duration NODE_TTL = Duration.ofSeconds(10);

    /**
     * GCRA: the bucket's key holds the theoretical arrival time (µs, Redis clock); a call is allowed while it is no
     * more than (burst - 1) intervals ahead of now. Answers 0 (taken) or the µs until a token is free.
     */
    static final String TAKE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local interval = tonumber(ARGV[1])
            local tolerance = interval * (tonumber(ARGV[2]) - 1)
            local tat = tonumber(redis.call('GET', KEYS[1]) or now)
            if tat < now then tat = now end
            if tat - tolerance > now then return tat - tolerance - now end
            local next = tat + interval
            -- %.0f: a number past 14 digits would be written rounded (Lua's default format)
            redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', math.ceil((next - now) / 1000) + 1000)
            return 0
            """;

    /** Records a learned limit and raises its version (one round trip, so value and version never disagree). */
    static final String SHARE_LEARNED = """
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            return redis.call('HINCRBY', KEYS[1], ARGV[1] .. ':version', 1)
            """;

    /** Marks this node alive, forgets nodes silent for NODE_TTL, answers the live count. */
    static final String HEARTBEAT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
            return redis.call('ZCARD', KEYS[1])
            """;

    private final String display;
    private final String prefix;
    private final String node = UUID.randomUUID().toString();
    private final InstantSource clock;
    private final ClientResources resources;
    private final RedisClient client;
    private final LongAdder failures = new LongAdder();
    private volatile RedisCommands<String, String> commands;
    /** The same connection's asynchronous commands (counts nobody waits for). */
    private volatile RedisAsyncCommands<String, String> async;
    /** The scripts, by their digest once loaded. */
    private enum Script {
        TAKE(RedisBuckets.TAKE),
        HEARTBEAT(RedisBuckets.HEARTBEAT),
        SHARE_LEARNED(RedisBuckets.SHARE_LEARNED);

        final String source;

        Script(String source) {
            this.source = source;
        }
    }

    private final Map<Script, String> shas = new ConcurrentHashMap<>();
    private volatile long retryAtMillis;
    private volatile long nextHeartbeatMillis;
    private volatile int liveNodes = -1;
    private volatile String lastError;

    /**
     * @param prefix  every key of this mesh starts with it (one prefix per deployment, or per test)
     * @param timeout how long one command may take before Redis counts as unreachable ({@link #COMMAND_TIMEOUT})
     */
    public RedisBuckets(RedisUrl url, Duration timeout, InstantSource clock) {
        this.display = url.toString(); // without its password
        this.prefix = url.prefix();
        this.clock = clock;
        // Reconnect every second: Lettuce's default backoff grows to 30 s, which would keep a node on its local share
        // long after Redis came back.
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.constant(RETRY_AFTER))
                .build();
        this.client = RedisClient.create(resources, redisUri(url, timeout));
        // Commands fail at once while disconnected (the default queues them until the timeout), and Lettuce
        // reconnects in the background.
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .build());
        commands(); // connect now when Redis is up; a node still starts when it is not
    }

    /** Host, database, TLS and credentials (an ACL user, or the password alone for requirepass). */
    private static RedisURI redisUri(RedisUrl url, Duration timeout) {
        RedisURI.Builder b = RedisURI.builder()
                .withHost(url.host())
                .withPort(url.port())
                .withDatabase(url.database())
                .withSsl(url.tls())
                .withTimeout(timeout);
        if (url.password() != null) {
            if (url.user() != null)
                b.withAuthentication(url.user(), url.password().toCharArray());
            else b.withPassword(url.password().toCharArray());
        }
        return b.build();
    }

    @Override
    public long take(String key, double rps, int burst) {
        RedisCommands<String, String> c = commands();
        if (c == null) return UNAVAILABLE;
        try {
            heartbeat(c);
            long intervalMicros = Math.max(1, Math.round(1e6 / rps));
            Long waitMicros = eval(
                    c,
                    Script.TAKE,
                    new String[] {prefix + ":bucket:" + key},
                    Long.toString(intervalMicros),
                    Integer.toString(Math.max(1, burst)));
            return waitMicros == null || waitMicros <= 0 ? 0 : waitMicros * 1000;
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    @Override
    public void countAnswer(String key, boolean limited) {
        RedisCommands<String, String> c = commands();
        if (c == null) return;
        // Not waited for: the count only feeds the controllers' next windows, and a call must not pay a round trip
        // for it. A failure shows in the next take or read.
        async.hincrby(prefix + ":answers:" + key, limited ? "limited" : "accepted", 1);
    }

    @Override
    public Answers answers(String key) {
        RedisCommands<String, String> c = commands();
        if (c == null) return null;
        try {
            var values = c.hmget(prefix + ":answers:" + key, "accepted", "limited");
            async.pexpire(prefix + ":answers:" + key, 3_600_000); // kept an hour after the last read
            return new Answers(count(values.get(0)), count(values.get(1)));
        } catch (RuntimeException e) {
            failed(e);
            return null;
        }
    }

    private static long count(io.lettuce.core.KeyValue<String, String> v) {
        return v.hasValue() ? Long.parseLong(v.getValue()) : 0;
    }

    @Override
    public long shareLearned(String connector, double rps) {
        RedisCommands<String, String> c = commands();
        if (c == null) return UNAVAILABLE;
        try {
            Long version =
                    eval(c, Script.SHARE_LEARNED, new String[] {prefix + ":learned"}, connector, Double.toString(rps));
            return version == null ? UNAVAILABLE : version;
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    @Override
    public Learned learned(String connector) {
        RedisCommands<String, String> c = commands();
        if (c == null) return Learned.NONE;
        try {
            var values = c.hmget(prefix + ":learned", connector, connector + ":version");
            if (!values.get(0).hasValue() || !values.get(1).hasValue()) return Learned.NONE;
            return new Learned(
                    Double.parseDouble(values.get(0).getValue()),
                    Long.parseLong(values.get(1).getValue()));
        } catch (RuntimeException e) {
            failed(e);
            return Learned.NONE;
        }
    }

    @Override
    public int liveNodes() {
        return liveNodes;
    }

    /** Whether the last command reached Redis (false while the node is on its local share). */
    public boolean up() {
        return commands != null && clock.millis() >= retryAtMillis;
    }

    @Override
    public Map<String, Object> status() {
        var s = new LinkedHashMap<String, Object>();
        s.put("backend", "redis");
        s.put("url", display);
        s.put("up", up());
        s.put("live_nodes", liveNodes);
        s.put("failures", failures.sum());
        if (!up() && lastError != null) s.put("error", lastError);
        return s;
    }

    @Override
    public void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        resources.shutdown(0, 1, TimeUnit.SECONDS);
    }

    private void heartbeat(RedisCommands<String, String> c) {
        long now = clock.millis();
        if (now < nextHeartbeatMillis) return;
        nextHeartbeatMillis = now + HEARTBEAT_EVERY.toMillis();
        Long n = eval(c, Script.HEARTBEAT, new String[] {prefix + ":nodes"}, node, Long.toString(NODE_TTL.toMillis()));
        if (n != null) liveNodes = n.intValue();
    }

    /** Runs a script by its digest, loading it again when Redis forgot it (a restart). */
    private Long eval(RedisCommands<String, String> c, Script script, String[] keys, String... args) {
        return eval(c, script, ScriptOutputType.INTEGER, keys, args);
    }

    private <T> T eval(
            RedisCommands<String, String> c, Script script, ScriptOutputType type, String[] keys, String... args) {
        try {
            return c.evalsha(shas.get(script), type, keys, args);
        } catch (RedisNoScriptException e) {
            load(c);
            return c.evalsha(shas.get(script), type, keys, args);
        }
    }

    private void load(RedisCommands<String, String> c) {
        for (Script s : Script.values()) shas.put(s, c.scriptLoad(s.source));
    }

    /** The commands, connecting when there is no connection yet; null while Redis is taken for down. */
    private RedisCommands<String, String> commands() {
        if (clock.millis() < retryAtMillis) return null;
        RedisCommands<String, String> c = commands;
        if (c != null) return c;
        synchronized (this) {
            if (commands != null) return commands;
            if (clock.millis() < retryAtMillis) return null;
            try {
                StatefulRedisConnection<String, String> connection = client.connect();
                RedisCommands<String, String> fresh = connection.sync();
                load(fresh);
                async = connection.async();
                commands = fresh;
                LOG.info("shared rate limits in {}", display);
                return fresh;
            } catch (RuntimeException e) {
                failed(e);
                return null;
            }
        }
    }

    private long failed(RuntimeException e) {
        failures.increment();
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        // Once per outage (and at a start with Redis down), not once per call.
        if (up() || failures.sum() == 1)
            LOG.warn("shared rate limits in {} unreachable, on the local share: {}", display, message);
        lastError = message;
        retryAtMillis = clock.millis() + RETRY_AFTER.toMillis();
        return UNAVAILABLE;
    }
}
