package dev.gauntlet.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fires N requests at once with the JDK HttpClient over HTTP/1.1 (so N connections: the client opens a new connection
 * whenever no idle one is free, and its pool is unbounded by default) and prints the wall time from the first send to
 * the last answer, and the per-request latencies. Bounded: every request has a timeout and a round never waits longer
 * than that.
 *
 * <p>Round 1 also opens the N connections; later rounds reuse them (keep-alive), which isolates the server's ability
 * to hold N delayed answers at once. Exit status 0 when the last round had N answers of 200 within --limit-ms.
 */
final class Burst {

    private Burst() {}

    static int run(Map<String, String> opt) throws Exception {
        URI url = URI.create(require(opt, "url"));
        int n = Integer.parseInt(opt.getOrDefault("n", "1000"));
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "2"));
        long limitMs = Long.parseLong(opt.getOrDefault("limit-ms", "2200"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("timeout-s", "30")));
        if (n < 1 || n > 20_000) throw new IllegalArgumentException("--n must be between 1 and 20000, was " + n);
        if (rounds < 1 || rounds > 10)
            throw new IllegalArgumentException("--rounds must be between 1 and 10, was " + rounds);
        String clientKind = opt.getOrDefault("client", "raw");
        if (clientKind.equals("raw")) {
            return RawBurst.run(url, n, rounds, limitMs, timeout.toMillis(), opt.get("header"));
        }
        if (!clientKind.equals("jdk"))
            throw new IllegalArgumentException("--client must be raw or jdk, was '" + clientKind + "'");

        HttpRequest.Builder rb = HttpRequest.newBuilder(url).timeout(timeout).GET();
        String headers = opt.get("header");
        if (headers != null) {
            for (String h : headers.split("\n")) {
                int colon = h.indexOf(':');
                if (colon <= 0) throw new IllegalArgumentException("--header must be 'Name: value', was '" + h + "'");
                rb.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
            }
        }
        HttpRequest request = rb.build();

        boolean pass = false;
        try (ExecutorService callbacks = Executors.newVirtualThreadPerTaskExecutor();
                HttpClient client = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10))
                        .executor(callbacks)
                        .build()) {
            for (int round = 1; round <= rounds; round++) {
                long[] sentAt = new long[n];
                long[] doneAt = new long[n];
                int[] status = new int[n];
                @SuppressWarnings("unchecked")
                CompletableFuture<Void>[] all = new CompletableFuture[n];
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    final int k = i;
                    sentAt[k] = System.nanoTime();
                    all[k] = client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                            .handle((r, e) -> {
                                doneAt[k] = System.nanoTime();
                                status[k] = e == null ? r.statusCode() : -1;
                                return null;
                            });
                }
                long lastSend = System.nanoTime();
                try {
                    CompletableFuture.allOf(all).get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    System.out.println("round " + round + ": not all answers within the timeout");
                }
                long lastDone = t0;
                long[] lat = new long[n];
                int ok = 0, failed = 0, other = 0, missing = 0;
                for (int i = 0; i < n; i++) {
                    if (doneAt[i] == 0) {
                        missing++;
                        lat[i] = Long.MAX_VALUE;
                        continue;
                    }
                    lastDone = Math.max(lastDone, doneAt[i]);
                    lat[i] = doneAt[i] - sentAt[i];
                    if (status[i] == 200) ok++;
                    else if (status[i] < 0) failed++;
                    else other++;
                }
                Arrays.sort(lat);
                double wallMs = (lastDone - t0) / 1e6;
                boolean roundPass = ok == n && wallMs <= limitMs;
                System.out.printf(
                        "round %d: n=%d ok=%d non200=%d errors=%d unanswered=%d sends_spread_ms=%.1f wall_ms=%.1f "
                                + "latency_ms min=%.1f p50=%.1f p99=%.1f max=%s  %s (limit %d ms)%n",
                        round,
                        n,
                        ok,
                        other,
                        failed,
                        missing,
                        (lastSend - t0) / 1e6,
                        wallMs,
                        ms(lat[0]),
                        ms(lat[n / 2]),
                        ms(lat[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)]),
                        missing > 0 ? "none" : String.format("%.1f", ms(lat[n - 1])),
                        roundPass ? "PASS" : "MISS",
                        limitMs);
                pass = roundPass;
            }
        }
        return pass ? 0 : 1;
    }

    private static double ms(long nanos) {
        return nanos == Long.MAX_VALUE ? Double.NaN : nanos / 1e6;
    }

    private static String require(Map<String, String> opt, String name) {
        String v = opt.get(name);
        if (v == null) BenchServer.usage("--" + name + " is required");
        return v;
    }
}
