package dev.gauntlet.mesh.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.RateAdjusted;
import dev.gauntlet.mesh.internal.limit.redis.RedisBuckets;
import dev.gauntlet.mesh.limit.LimitConfig;
import dev.gauntlet.mesh.limit.RedisUrl;
import dev.gauntlet.mesh.limit.SharedBuckets;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Buckets shared in a real Redis by two "nodes" (two clients, one prefix), and a node whose Redis goes away. */
class SharedBucketsTest {

    final InstantSource clock = InstantSource.system();
    final String prefix = "test-" + UUID.randomUUID();
    final EventBus events = new EventBus();
    final List<MeshEvent> published = new CopyOnWriteArrayList<>();
    final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

    {
        events.subscribe(published::add);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) c.close();
    }

    /**
     * With a 5 s command timeout, not the served 250 ms: on this loaded 2-core machine a cold JVM's first command can
     * take longer, and the node would (rightly) serve that call from its local share. A Redis that goes away is seen
     * at once whatever the timeout (its connection closes and commands are rejected).
     */
    SharedBuckets redis(int port) {
        return redis(new RedisUrl("127.0.0.1", port, 0, prefix));
    }

    SharedBuckets redis(RedisUrl url) {
        SharedBuckets b = new RedisBuckets(url, Duration.ofSeconds(5), clock);
        closing.add(b);
        return b;
    }

    /** 0.1 rps: no token refills within the test, so the burst is all both nodes get together. */
    static LimitConfig slow(int burst) {
        return LimitConfig.builder().initialRps(0.1).minRps(0.01).burst(burst).build();
    }

    @Test
    void twoNodesTakeFromOneBucket() {
        var a = new TenantLimiter("c", "default", slow(5), clock, events, redis(6379));
        var b = new TenantLimiter("c", "default", slow(5), clock, events, redis(6379));
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            if (a.tryAcquire().granted()) granted++;
            if (b.tryAcquire().granted()) granted++;
        }
        assertThat(granted).isEqualTo(5);
        Permit refused = b.tryAcquire();
        assertThat(refused.granted()).isFalse();
        // The next token comes one interval (10 s) after the burst's tokens, less what has passed.
        assertThat(Duration.ofNanos(refused.waitNanos())).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(11));
        assertThat(a.status()).containsEntry("bucket", "shared");
    }

    @Test
    void aLearnedLimitIsWhereAnotherNodeStarts() {
        SharedBuckets one = redis(6379);
        one.shareLearned("c", 40);
        var b = new TenantLimiter("c", "default", slow(5), clock, events, redis(6379));
        assertThat(b.learned()).isEqualTo(40);
        assertThat(b.rate()).isEqualTo(40 * RateController.TARGET);
        assertThat(one.liveNodes()).isEqualTo(-1); // no call yet: no heartbeat
        b.tryAcquire();
        assertThat(redis(6379).learned("c").rps()).isEqualTo(40);
    }

    @Test
    void everyNodesAnswersAreCountedAndANewerLearnedLimitIsAdopted() {
        SharedBuckets one = redis(6379);
        SharedBuckets two = redis(6379);
        one.countAnswer("c:default", false);
        one.countAnswer("c:default", true);
        two.countAnswer("c:default", false);
        // The counts are sent without waiting: they arrive in order on each connection.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> two.answers("c:default"), a -> a != null && a.accepted() == 2 && a.limited() == 1);
        assertThat(one.answers("other:default")).isEqualTo(new SharedBuckets.Answers(0, 0));

        long first = one.shareLearned("c", 40);
        assertThat(two.learned("c")).isEqualTo(new SharedBuckets.Learned(40, first));
        var b = new TenantLimiter("c", "default", slow(5), clock, events, two);
        assertThat(b.learned()).isEqualTo(40);
        // Another node learns a lower limit: within the second b looks, it takes it and comes down to just below it.
        long second = one.shareLearned("c", 10);
        assertThat(second).isGreaterThan(first);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            b.onAnswer(false, UpstreamQuota.NONE);
            return b.learned() == 10;
        });
        assertThat(b.rate()).isEqualTo(10 * RateController.TARGET);
    }

    @Test
    void liveNodesAreCounted() {
        var a = new TenantLimiter("c", "default", slow(5), clock, events, redis(6379));
        SharedBuckets second = redis(6379);
        var b = new TenantLimiter("c", "default", slow(5), clock, events, second);
        a.tryAcquire();
        b.tryAcquire();
        assertThat(second.liveNodes()).isEqualTo(2);
    }

    /**
     * A Redis that asks for credentials (an ACL user of this test's own, its keys only): the node authenticates with
     * the URL's user and password and shares its bucket; with a wrong password it serves on its local share, and
     * neither its status nor its URL ever shows the password.
     */
    @Test
    void aNodeAuthenticatesAsTheUrlsAclUserAndNeverShowsThePassword() {
        String user = "gauntlet-" + UUID.randomUUID();
        String password = "pw-" + UUID.randomUUID();
        RedisClient admin = RedisClient.create("redis://127.0.0.1:6379");
        try (var connection = admin.connect()) {
            var redis = connection.sync();
            redis.aclSetuser(
                    user,
                    io.lettuce.core.AclSetuserArgs.Builder.on()
                            .addPassword(password)
                            .keyPattern(prefix + "*")
                            .allCommands());
            try {
                SharedBuckets allowed = redis(
                        RedisUrl.parse("redis://" + user + ":" + password + "@127.0.0.1:6379/0?prefix=" + prefix));
                var a = new TenantLimiter("c", "default", slow(3), clock, events, allowed);
                var b = new TenantLimiter("c", "default", slow(3), clock, events, allowed);
                int granted = 0;
                for (int i = 0; i < 4; i++) {
                    if (a.tryAcquire().granted()) granted++;
                    if (b.tryAcquire().granted()) granted++;
                }
                assertThat(granted).as("one bucket in Redis").isEqualTo(3);
                assertThat(allowed.status()).containsEntry("up", true);
                assertThat(allowed.status().get("url").toString())
                        .isEqualTo("redis://" + user + ":***@127.0.0.1:6379/0?prefix=" + prefix);

                SharedBuckets refused = redis(RedisUrl.parse(
                        "redis://" + user + ":wrong-" + password + "@127.0.0.1:6379/0?prefix=" + prefix));
                var c = new TenantLimiter("c", "default", slow(3), clock, events, refused);
                assertThat(c.tryAcquire().granted()).as("on its local share").isTrue();
                assertThat(c.status()).containsEntry("bucket", "local_share");
                assertThat(refused.status()).containsEntry("up", false);
                assertThat(refused.status().toString()).doesNotContain(password);
            } finally {
                redis.aclDeluser(user);
            }
        } finally {
            admin.shutdown();
        }
    }

    @Test
    void redisDownTheNodeServesOnItsLocalShareAndRejoins() throws Exception {
        int port = freePort();
        Process server = startRedis(port);
        SharedBuckets shared = redis(port);
        var config = LimitConfig.builder().initialRps(100).burst(10).build();
        var limiter = new TenantLimiter("c", "default", config, clock, events, shared);
        assertThat(limiter.tryAcquire().granted()).isTrue();
        assertThat(shared.status()).containsEntry("up", true);

        stop(server);
        // Redis gone: calls still get tokens (from the local bucket), never an error.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> limiter.tryAcquire().granted()
                        && "local_share".equals(limiter.status().get("bucket")));
        assertThat(shared.status()).containsEntry("up", false);
        // Nothing learned, one node seen: half the rate.
        assertThat(limiter.localShare(limiter.rate())).isEqualTo(50);
        assertThat(published)
                .filteredOn(e -> e instanceof RateAdjusted r && r.reason().equals("shared_limits_down"))
                .singleElement()
                .satisfies(e -> assertThat(((RateAdjusted) e).newRps()).isEqualTo(50));

        Process again = startRedis(port);
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                limiter.tryAcquire();
                return "shared".equals(limiter.status().get("bucket"));
            });
            assertThat(shared.status()).containsEntry("up", true);
            assertThat(published)
                    .filteredOn(e -> e instanceof RateAdjusted r && r.reason().equals("shared_limits_up"))
                    .hasSize(1);
        } finally {
            stop(again);
        }
    }

    static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Process startRedis(int port) throws IOException {
        Process p = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (var s = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
        return p;
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        p.waitFor();
    }
}
