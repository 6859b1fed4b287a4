package dev.gauntlet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.internal.store.postgres.PostgresTestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's acceptance run with real processes: one farm, three AAM nodes on one PostgreSQL database (the test's own,
 * dropped after) and one Redis key prefix (the test's own), {@code gauntlet run --aam-url} spreading
 * {@code idempotent_write} and {@code high_volume_read} on every connector over the three at {@code storm} (at 4 reads
 * and 2 writes a second per connector: four JVMs and the runner share this machine's two cores). Mid-run one node is
 * killed with {@code kill -9} (never restarted) and another frozen with SIGSTOP for 40 s - longer than its leases
 * ({@code --recover-after 35s}) and its Redis heartbeat (dropped after 10 s) - then resumed with SIGCONT.
 * Judged from the farm's ground truth (its status counts, fault log and ledger) and the checker: the real limiter's 429
 * share once learned, token endpoint hits against the tokens' TTLs, every DLQ entry settled and committed once, lost
 * and duplicates 0. About two minutes.
 */
@Tag("crash")
@Tag("multinode")
class MultiNodeStormTest {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The load's length; the scenario's own settle follows. */
    static final Duration LOAD = Duration.ofSeconds(60);
    /** The share of the load's first seconds left out of the 429 share: the nodes' controllers learn the limits. */
    static final Duration LEARNING = Duration.ofSeconds(15);

    /**
     * A node's lease: writes it left in flight and DLQ claims it holds are taken over by another node once this old.
     * Above the connectors' call deadline (30 s), as docs/scaling-out.md asks: a shorter one would let a node take over
     * a write a live node is still working on.
     */
    static final Duration LEASE = Duration.ofSeconds(35);
    /** Four JVMs starting at once on two busy cores. */
    static final Duration STARTUP = Duration.ofMinutes(3);

    /** Longer than the lease and than the Redis heartbeat's 10 s. */
    static final Duration FREEZE = Duration.ofSeconds(40);
    /**
     * An upstream whose limit binds: the farm's MongoDB Data API at {@link #BOUND_RPS} requests a second per client
     * (its built-in 300 never binds at this load), which storm's {@code rate_limit_factor} of 0.5 makes 4 (burst 4):
     * below the {@value #OFFERED_PER_CONNECTOR} operations a second the three nodes send it together, above the 2 each
     * sends alone - and the whole 6 go through one node while the others are killed and frozen. Its 429 share once
     * learned is asserted like the others'. Before the nodes judged their windows on every node's answers (December
     * 2026) 79 % of its requests were refused once learned and 54 DLQ entries were still open after the settle.
     */
    static final String BOUND = "mongodb_mock";

    /**
     * On by default since its last fixes passed six runs in a row (0 of 147, 0 of 116, 2 of 144, 0 of 126, 1 of 131, 0
     * of 94 refused once learned); {@code -Dmultinode.bound.rps=0} leaves the farm's limit as it is.
     */
    static final int BOUND_RPS_DEFAULT = 8;

    static final int BOUND_RPS = Integer.getInteger("multinode.bound.rps", BOUND_RPS_DEFAULT);
    /** The bound service's own 429 share once learned, at most: a sample of about 100 requests (see the assertion). */
    static final double BOUND_SHARE = 0.05;

    static final int OFFERED_PER_CONNECTOR = 6;

    /** The mesh's default refresh margin (auth.refresh_margin): a token is fetched again this long before it expires. */
    static final int REFRESH_MARGIN_S = 10;

    /** The built-in OAuth connectors: each one's token TTL at the farm and the logins the connector keeps. */
    static final Map<String, int[]> OAUTH = Map.of(
            "salesforce_mock", new int[] {120, 4},
            "github_mock", new int[] {300, 1},
            "supabase_mock", new int[] {3600, 8});

    @TempDir
    Path dir;

    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One reading of the farm's {@code /admin/status}, {@code at} seconds after the run was started. */
    record Sample(double at, JsonNode status) {
        /** How much {@code field} of service {@code id} grew from this reading to {@code later}. */
        long service(String id, String field, Sample later) {
            return of(later, id, field) - of(this, id, field);
        }

        private static long of(Sample s, String id, String field) {
            for (JsonNode svc : s.status.path("services"))
                if (svc.path("id").asText().equals(id)) return svc.path(field).asLong();
            return 0;
        }

        /** Requests other than the token endpoint's: the nodes log in at start, before any load. */
        long load() {
            return sum("requests") - sum("tokens_issued") - sum("tokens_refreshed");
        }

        long sum(String field) {
            long n = 0;
            for (JsonNode s : status.path("services")) n += s.path(field).asLong();
            return n;
        }
    }

    @Test
    void threeNodesUnderStormLoseAndDuplicateNothingThroughAKill9AndASigstop() throws Exception {
        String prefix = "test-multinode-" + UUID.randomUUID();
        var processes = new ArrayList<Process>();
        long started = System.nanoTime(); // the nodes log in as they start: the token budget counts from here
        try (var database = new PostgresTestDatabase("gauntlet_multinode")) {
            String store = database.url.jdbcUrl();
            String limits = "redis://127.0.0.1:6379/0?prefix=" + prefix;
            int farmPort = GauntletProcesses.freePort();
            String farm = "http://127.0.0.1:" + farmPort;
            var farmArgs = new ArrayList<>(List.of("farm", "--port", Integer.toString(farmPort)));
            if (BOUND_RPS > 0)
                farmArgs.addAll(List.of("--services", boundServices().toString()));
            processes.add(GauntletProcesses.start(dir, "farm", farmArgs.toArray(String[]::new)));
            var nodes = new ArrayList<String>();
            for (int i = 1; i <= 3; i++) {
                int port = GauntletProcesses.freePort();
                nodes.add("http://127.0.0.1:" + port);
                processes.add(GauntletProcesses.start(
                        dir,
                        "aam" + i,
                        "aam",
                        "--port",
                        Integer.toString(port),
                        "--farm-url",
                        farm,
                        "--data",
                        dir.resolve("n" + i).toString(),
                        "--store",
                        store,
                        "--limits",
                        limits,
                        "--recover-after",
                        LEASE.toSeconds() + "s"));
                // The first node migrates the database; the others start once it is up (Flyway would make them wait).
                if (i == 1) GauntletProcesses.awaitUp(processes.get(1), http, nodes.getFirst(), "/health", STARTUP);
            }
            GauntletProcesses.awaitUp(processes.get(0), http, farm, "/admin/status", STARTUP);
            for (int i = 0; i < 3; i++)
                GauntletProcesses.awaitUp(processes.get(i + 1), http, nodes.get(i), "/health", STARTUP);
            Process killed = processes.get(2);
            Process frozen = processes.get(3);

            Path scenario = dir.resolve("multinode_storm.yaml");
            Files.writeString(scenario, """
                    name: multinode_storm
                    description: the storm scenario's load through three AAM nodes, one killed and one frozen mid-run
                    seed: 42
                    settle: 60s
                    phases:
                      - name: storm
                        duration: %ds
                        chaos: { level: storm }
                        workflows:
                          - { workflow: high_volume_read, rate: 4, connectors: ["*"] }
                          - { workflow: idempotent_write, rate: 2, connectors: ["*"] }
                    thresholds:
                      - "lost == 0"
                      - "duplicates == 0"
                    """.formatted(LOAD.toSeconds()));

            var samples = new CopyOnWriteArrayList<Sample>();
            var marks = new CopyOnWriteArrayList<String>();
            AtomicBoolean done = new AtomicBoolean();
            long t0 = System.nanoTime();
            Thread sampler = Thread.ofVirtual().start(() -> sample(farm, samples, done, t0));
            Thread chaos = Thread.ofVirtual().start(() -> {
                try {
                    // 10 s into the load (its first request other than the nodes' logins at start), then 5 s later.
                    // The nodes' logins counted once made the schedule start before the run did: the kill came as the
                    // load began.
                    awaitLoad(samples);
                    hold(Duration.ofSeconds(10));
                    killed.destroyForcibly();
                    marks.add(String.format(
                            Locale.ROOT, "kill -9 node 2 at %.1f s (%s)", seconds(t0), java.time.Instant.now()));
                    hold(Duration.ofSeconds(5));
                    signal(frozen, "STOP");
                    marks.add(String.format(
                            Locale.ROOT, "SIGSTOP node 3 at %.1f s (%s)", seconds(t0), java.time.Instant.now()));
                    hold(FREEZE);
                    signal(frozen, "CONT");
                    marks.add(String.format(
                            Locale.ROOT, "SIGCONT node 3 at %.1f s (%s)", seconds(t0), java.time.Instant.now()));
                } catch (Exception e) {
                    marks.add("chaos failed: " + e);
                }
            });

            Path reports = dir.resolve("report");
            CliRun run;
            try {
                run = CliRun.of(
                        "run",
                        scenario.toString(),
                        "--aam-url",
                        nodes.get(0) + "," + nodes.get(1),
                        "--aam-url",
                        nodes.get(2),
                        "--farm-url",
                        farm,
                        "--report-dir",
                        reports.toString(),
                        // The farm is fresh: a reset would drop the tokens the nodes fetched at start, and every node
                        // would meet 401s at once (a re-login per session no TTL accounts for) while node 2 is killed.
                        "--no-reset");
            } finally {
                chaos.join(Duration.ofMinutes(2));
                done.set(true);
                sampler.join(Duration.ofSeconds(10));
                signal(frozen, "CONT"); // never leave a stopped process behind
            }
            System.out.println(run.out());
            System.out.println(run.err());
            marks.forEach(System.out::println);

            JsonNode report = JSON.readTree(reports.resolve("report.json").toFile());
            JsonNode totals = report.path("totals");
            JsonNode status = farmGet(farm, "/admin/status");
            JsonNode dlq = farmGet(nodes.getFirst(), "/dlq?limit=100000");
            Figures f = figures(farm, samples, status, dlq, farmGet(nodes.getFirst(), "/connectors"), seconds(started));
            System.out.println(f.render(totals, run.out()));
            printEvents(store, BOUND, "'rate_adjusted', 'limit_learned'");
            // A token budget overrun, explained: when each token was fetched and why, beside the farm's revocations.
            for (var e : f.tokenHits.entrySet()) {
                if (e.getValue() <= f.tokenBudget.get(e.getKey())) continue;
                printEvents(store, e.getKey(), "'token_refreshed', 'token_refresh_failed'");
                for (JsonNode r : farmGet(farm, "/admin/faults?type=auth_revoke&service=" + e.getKey())
                        .path("entries")) System.out.println("  farm: " + r);
            }
            // What each node's bucket for the bound service ended at (rate, learned limit): the controllers' view.
            for (String node : List.of(nodes.get(0), nodes.get(2))) {
                try {
                    System.out.println("  " + node + " " + BOUND + " bucket: "
                            + farmGet(node, "/health")
                                    .path("limits")
                                    .path("connectors")
                                    .path(BOUND));
                } catch (Exception | AssertionError e) {
                    System.out.println("  " + node + " health: " + e);
                }
            }
            // Where lost and doubled writes are, per connector, and the farm's rows of a few doubled ones.
            report.path("connectors")
                    .properties()
                    .forEach(c -> System.out.println("  " + c.getKey() + ": lost "
                            + c.getValue().path("lost").asLong() + ", duplicates "
                            + c.getValue().path("duplicates").asLong() + ", failures "
                            + c.getValue().path("failures_by_class")));
            int shown = 0;
            for (JsonNode e : farmGet(farm, "/admin/ledger?duplicates=true").path("entries")) {
                if (shown++ < 8) System.out.println("  doubled in the ledger: " + e);
            }

            var soft = new SoftAssertions();
            soft.assertThat(marks).as("the chaos happened").hasSize(3);
            soft.assertThat(run.exit()).as(run.out() + run.err()).isZero();
            soft.assertThat(totals.path("lost").asLong()).as("checker lost").isZero();
            soft.assertThat(totals.path("duplicates").asLong())
                    .as("checker duplicates")
                    .isZero();
            soft.assertThat(status.path("ledger").path("duplicates").asLong())
                    .as("duplicates in the farm's ledger")
                    .isZero();
            soft.assertThat(f.learned429Share)
                    .as("the real limiter's 429 share once learned")
                    .isLessThanOrEqualTo(0.02);
            // The bound service alone sends about 100 requests once learned, so one refusal is 1 % of them: its share
            // is held to BOUND_SHARE (eight runs: 0-4.5 %, one above 2 %; 79 % before the nodes shared their counts),
            // while the issue's own criterion, every service together, stays at 2 % above.
            if (BOUND_RPS > 0)
                soft.assertThat(f.bound429Share)
                        .as("the 429 share once learned of " + BOUND + ", whose limit binds the three nodes together")
                        .isLessThanOrEqualTo(BOUND_SHARE);
            soft.assertThat(f.dlqOpen)
                    .as("DLQ entries not settled (pending or replaying)")
                    .isZero();
            soft.assertThat(f.dlqCommittedTwice)
                    .as("DLQ entries whose write the farm committed more than once")
                    .isEmpty();
            soft.assertThat(f.refreshReuseRefused)
                    .as("refresh tokens the farm refused as already used")
                    .isZero();
            for (var e : f.tokenHits.entrySet()) {
                soft.assertThat(e.getValue())
                        .as(e.getKey()
                                + ": token endpoint hits (issued + refreshed) within a TTL's share per login plus"
                                + " the revocations chaos made: " + f.tokenBudget.get(e.getKey()))
                        .isLessThanOrEqualTo(f.tokenBudget.get(e.getKey()));
            }
            for (var e : f.perNode.entrySet()) {
                soft.assertThat(e.getValue()).as("calls sent to " + e.getKey()).isPositive();
            }
            soft.assertAll();
        } catch (Throwable t) {
            keepLogs();
            throw t;
        } finally {
            for (Process p : processes) {
                signal(p, "CONT");
                p.destroyForcibly();
            }
            for (Process p : processes) p.waitFor();
            http.close();
            clearRedis(prefix);
        }
    }

    /**
     * One connector's events of some types (a SQL list of quoted names), from the nodes' shared events table, a line
     * each: the bound service's rate decisions and learned limits say why its 429 share (or its throughput) is what it
     * is; a service's token events say when and why each token was fetched.
     */
    static void printEvents(String jdbcUrl, String connector, String types) {
        try (var c = java.sql.DriverManager.getConnection(jdbcUrl);
                var p = c.prepareStatement("SELECT at, type, json FROM events WHERE connector = ? AND type IN (" + types
                        + ") ORDER BY at, id")) {
            p.setString(1, connector);
            try (var rs = p.executeQuery()) {
                int shown = 0;
                while (rs.next() && shown++ < 80) {
                    System.out.println(
                            "  " + rs.getTimestamp(1).toInstant() + " " + rs.getString(2) + " " + rs.getString(3));
                }
            }
        } catch (Exception e) {
            System.out.println("  the " + connector + " events could not be read: " + e);
        }
    }

    /** A services folder holding the farm's {@link #BOUND} file with its limit lowered to {@link #BOUND_RPS}. */
    Path boundServices() throws IOException {
        Path services = Files.createDirectories(dir.resolve("services"));
        String bound;
        try (var in = MultiNodeStormTest.class.getResourceAsStream("/services/" + BOUND + ".yaml")) {
            bound = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String boundLimit = "rate_limit: { max_rps: " + BOUND_RPS + ", burst: " + BOUND_RPS + ", per: client }";
        String limited = bound.replaceFirst("(?m)^rate_limit: .*$", boundLimit);
        assertThat(limited).as("the farm's " + BOUND + " file names its limit").contains(boundLimit);
        Files.writeString(services.resolve(BOUND + ".yaml"), limited);
        return services;
    }

    /** The figures the test judges, from the farm's ground truth and the nodes' shared DLQ. */
    static final class Figures {
        double learned429Share;
        double bound429Share;
        long boundRequests;
        long boundRateLimited;
        /** Seconds from the test's start (as the kill and freeze marks) at which the bound service's refusals grew (and by how many), once learned. */
        List<String> boundRefusedAt = new ArrayList<>();

        long learnedRequests;
        long learnedRateLimited;
        long injected429;
        long dlqEntries;
        long dlqOpen;
        Map<String, Long> dlqStates = new LinkedHashMap<>();
        List<String> dlqCommittedTwice = new ArrayList<>();
        long refreshReuseRefused;
        Map<String, Long> tokenHits = new LinkedHashMap<>();
        Map<String, Long> tokenBudget = new LinkedHashMap<>();
        Map<String, String> tokenDetail = new LinkedHashMap<>();
        Map<String, Long> perNode = new LinkedHashMap<>();

        String render(JsonNode totals, String runOut) {
            var sb = new StringBuilder("multi-node storm figures\n");
            sb.append(String.format(
                    Locale.ROOT,
                    "  429s from the farm's limiter once learned (after the first %d s of load): %d of %d requests = %.3f %%"
                            + " (chaos-injected 429s, not counted: %d)%n",
                    LEARNING.toSeconds(),
                    learnedRateLimited,
                    learnedRequests,
                    learned429Share * 100,
                    injected429));
            if (BOUND_RPS > 0)
                sb.append(String.format(
                        Locale.ROOT,
                        "  %s (limit %d/s, half that under storm; offered %d/s over three nodes): %d of %d requests"
                                + " refused once learned = %.3f %%, at %s s (the marks' clock)%n",
                        BOUND,
                        BOUND_RPS,
                        OFFERED_PER_CONNECTOR,
                        boundRateLimited,
                        boundRequests,
                        bound429Share * 100,
                        boundRefusedAt));
            tokenDetail.forEach((s, d) ->
                    sb.append("  tokens ").append(s).append(": ").append(d).append('\n'));
            sb.append("  refresh tokens refused as already used: ")
                    .append(refreshReuseRefused)
                    .append('\n');
            sb.append("  DLQ entries: ")
                    .append(dlqEntries)
                    .append(" by state ")
                    .append(dlqStates)
                    .append(", committed more than once: ")
                    .append(dlqCommittedTwice)
                    .append('\n');
            sb.append("  checker: ").append(totals).append('\n');
            runOut.lines()
                    .filter(l -> l.startsWith("node "))
                    .forEach(l -> sb.append("  ").append(l).append('\n'));
            return sb.toString();
        }
    }

    /** @param tokenSeconds from the nodes' start (their first logins) to the status read: the token budget's span */
    Figures figures(
            String farm, List<Sample> samples, JsonNode status, JsonNode dlq, JsonNode connectors, double tokenSeconds)
            throws Exception {
        var f = new Figures();
        var services = new HashMap<String, String>();
        for (JsonNode c : connectors.path("connectors"))
            services.put(
                    c.path("id").asText(), c.path("service").asText(c.path("id").asText()));
        // The load starts when the farm first sees a request other than a login; "learned" is from LEARNING later to
        // the end of the load.
        Sample start = samples.stream()
                .filter(s -> s.load() > 0)
                .findFirst()
                .orElseThrow(() -> new AssertionError("the farm saw no request"));
        double from = start.at() + LEARNING.toSeconds(), to = start.at() + LOAD.toSeconds();
        Sample a = nearest(samples, from), b = nearest(samples, to);
        f.learnedRequests = b.sum("requests") - a.sum("requests");
        f.learnedRateLimited = b.sum("rate_limited") - a.sum("rate_limited");
        f.learned429Share = f.learnedRequests == 0 ? Double.NaN : (double) f.learnedRateLimited / f.learnedRequests;
        f.boundRequests = a.service(BOUND, "requests", b);
        f.boundRateLimited = a.service(BOUND, "rate_limited", b);
        Sample previous = a;
        for (Sample s : samples) {
            if (s.at() <= a.at() || s.at() > b.at()) continue;
            long grew = previous.service(BOUND, "rate_limited", s);
            if (grew > 0) f.boundRefusedAt.add(String.format(Locale.ROOT, "%.0f(+%d)", s.at(), grew));
            previous = s;
        }
        f.bound429Share = f.boundRequests == 0 ? Double.NaN : (double) f.boundRateLimited / f.boundRequests;
        for (JsonNode s : status.path("services")) {
            f.injected429 += s.path("faults").path("rate_limit").asLong()
                    + s.path("faults").path("lock_timeout").asLong();
            f.refreshReuseRefused += s.path("refresh_reuse_refused").asLong();
            String id = s.path("id").asText();
            int[] oauth = OAUTH.get(id);
            if (oauth == null) continue;
            long hits = s.path("tokens_issued").asLong()
                    + s.path("tokens_refreshed").asLong();
            // The status's exact count by type (the fault log's "total" counts every type).
            long revoked = s.path("faults").path("auth_revoke").asLong();
            // One login per session at start and again each time its token comes due (TTL less the mesh's 10 s
            // refresh margin) until the status was read - the nodes log in as they start, and DLQ replays call on
            // after the load - and one new token per revocation the farm made. Per node it would be three rounds.
            long rounds = 1 + (long) Math.floor(tokenSeconds / (oauth[0] - REFRESH_MARGIN_S));
            long budget = rounds * oauth[1] + revoked;
            f.tokenHits.put(id, hits);
            f.tokenBudget.put(id, budget);
            f.tokenDetail.put(
                    id,
                    String.format(
                            Locale.ROOT,
                            "%d hits (%d issued, %d refreshed); TTL %d s, %d login(s) kept, %d round(s) in %.0f s, %d"
                                    + " revoked by chaos: budget %d (one node's share), three nodes on their own would"
                                    + " take %d",
                            hits,
                            s.path("tokens_issued").asLong(),
                            s.path("tokens_refreshed").asLong(),
                            oauth[0],
                            oauth[1],
                            rounds,
                            tokenSeconds,
                            revoked,
                            budget,
                            3 * rounds * oauth[1] + revoked));
        }
        // Every DLQ entry settled, and none whose write the farm committed twice.
        var commits = new HashMap<String, Long>();
        for (JsonNode e : farmGet(farm, "/admin/ledger").path("entries")) {
            // Keyed by service and op id, as the lookup below (was the op id alone: no entry ever matched).
            if (e.hasNonNull("op_id"))
                commits.merge(
                        e.path("service").asText() + "/" + e.get("op_id").asText(),
                        e.path("commits").asLong(),
                        Long::sum);
        }
        for (JsonNode e : dlq.path("entries")) {
            f.dlqEntries++;
            String state = e.path("state").asText();
            f.dlqStates.merge(state, 1L, Long::sum);
            if (state.equals("pending") || state.equals("replaying")) f.dlqOpen++;
            String op = e.path("op_id").asText(null);
            String key = services.getOrDefault(
                            e.path("connector").asText(), e.path("connector").asText()) + "/" + op;
            if (op != null && commits.getOrDefault(key, 0L) > 1) f.dlqCommittedTwice.add(key + " x" + commits.get(key));
        }
        return f;
    }

    static Sample nearest(List<Sample> samples, double at) {
        Sample best = samples.getFirst();
        for (Sample s : samples) if (Math.abs(s.at() - at) < Math.abs(best.at() - at)) best = s;
        return best;
    }

    /** The farm's status each second until {@code done} (or 5 minutes), for the 429 share over time. */
    void sample(String farm, List<Sample> samples, AtomicBoolean done, long t0) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!done.get() && System.nanoTime() < deadline) {
            try {
                samples.add(new Sample(seconds(t0), farmGet(farm, "/admin/status")));
                await().pollDelay(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(2))
                        .until(() -> true);
            } catch (Exception e) {
                return;
            }
        }
    }

    /** Lets {@code d} pass (the chaos's schedule, not a wait for I/O). */
    static void hold(Duration d) {
        await().pollDelay(d).atMost(d.plusSeconds(5)).until(() -> true);
    }

    /** Until the load's first request reached the farm (the nodes' logins at start are not load). */
    static void awaitLoad(List<Sample> samples) {
        await().atMost(STARTUP)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !samples.isEmpty() && samples.getLast().load() > 0);
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    JsonNode farmGet(String base, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException(path + " answered " + r.statusCode() + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /** Sends {@code kill -SIG pid}; a process already gone is fine. */
    static void signal(Process p, String sig) throws IOException, InterruptedException {
        if (!p.isAlive()) return;
        new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid()))
                .redirectErrorStream(true)
                .start()
                .waitFor();
    }

    /** A failed run's logs, copied where they outlive the temporary folder (the JVM's temporary folder). */
    void keepLogs() throws IOException {
        System.out.println("the processes' logs: " + System.getProperty("java.io.tmpdir") + "/multinode-*.log");
        try (var logs = Files.list(dir)) {
            for (Path f : logs.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .toList()) {
                Files.copy(
                        f,
                        Path.of(System.getProperty("java.io.tmpdir"), "multinode-" + f.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Drops the test's keys from the shared Redis. */
    static void clearRedis(String prefix) {
        try (var client = io.lettuce.core.RedisClient.create("redis://127.0.0.1:6379/0");
                var c = client.connect()) {
            var keys = c.sync().keys(prefix + ":*");
            if (!keys.isEmpty()) c.sync().del(keys.toArray(String[]::new));
        } catch (RuntimeException e) {
            System.out.println("could not clear the test's Redis keys " + prefix + ":*: " + e.getMessage());
        }
    }
}
