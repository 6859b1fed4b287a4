package dev.gauntlet.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The burst with the leanest client possible, so the measurement is the server's and not the load generator's:
 * N connections opened first, then one HTTP/1.1 GET written on each as fast as possible, and one selector thread
 * reading the answers, framed by Content-Length. The JDK HttpClient (see {@link Burst}) spends a few hundred
 * microseconds of the same two cores on each answer, which on this machine is the difference between 2.0 and 2.4 s.
 * Bounded: every round ends at its timeout.
 */
final class RawBurst {
    private RawBurst() {}

    /** One connection's state: when its request went out, the bytes read, and when the answer was complete. */
    private static final class Conn {
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long sentAt;
        long doneAt;
        int status;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }

        /** True once the status line, headers and Content-Length bytes of body have arrived. */
        boolean complete() {
            int len = in.position();
            byte[] a = in.array();
            int headerEnd = -1;
            for (int i = 3; i < len; i++) {
                if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                    headerEnd = i + 1;
                    break;
                }
            }
            if (headerEnd < 0) return false;
            String head = new String(a, 0, headerEnd, StandardCharsets.ISO_8859_1);
            status = Integer.parseInt(head.substring(9, 12));
            int body = 0;
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15))
                    body = Integer.parseInt(line.substring(15).trim());
            }
            return len - headerEnd >= body;
        }
    }

    static int run(URI url, int n, int rounds, long limitMs, long timeoutMs, String headers) throws IOException {
        String host = url.getHost();
        int port = url.getPort();
        byte[] request = ("GET " + url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery())
                        + " HTTP/1.1\r\n" + "Host: " + host + ":" + port + "\r\n"
                        + (headers == null ? "" : headers.replace("\n", "\r\n") + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        boolean pass = false;
        try (Selector selector = Selector.open()) {
            Conn[] conns = new Conn[n];
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, port));
                ch.configureBlocking(false);
                conns[i] = new Conn(ch);
                ch.register(selector, SelectionKey.OP_READ, conns[i]);
            }
            for (int round = 1; round <= rounds; round++) {
                for (Conn c : conns) {
                    c.in.clear();
                    c.doneAt = 0;
                    c.status = 0;
                }
                long t0 = System.nanoTime();
                for (Conn c : conns) {
                    c.sentAt = System.nanoTime();
                    ByteBuffer out = ByteBuffer.wrap(request);
                    while (out.hasRemaining()) c.channel.write(out);
                }
                long lastSend = System.nanoTime();
                int done = 0;
                long deadline = t0 + timeoutMs * 1_000_000L;
                while (done < n && System.nanoTime() < deadline) {
                    if (selector.select(100) == 0) continue;
                    var it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey key = it.next();
                        it.remove();
                        Conn c = (Conn) key.attachment();
                        int read = c.channel.read(c.in);
                        if (read < 0) {
                            key.cancel();
                            if (c.doneAt == 0) {
                                c.doneAt = System.nanoTime();
                                c.status = -1;
                                done++;
                            }
                        } else if (c.doneAt == 0 && c.complete()) {
                            c.doneAt = System.nanoTime();
                            done++;
                        }
                    }
                }
                long[] lat = new long[n];
                int ok = 0;
                long last = t0;
                for (int i = 0; i < n; i++) {
                    Conn c = conns[i];
                    lat[i] = c.doneAt == 0 ? Long.MAX_VALUE : c.doneAt - c.sentAt;
                    if (c.status == 200) ok++;
                    if (c.doneAt != 0) last = Math.max(last, c.doneAt);
                }
                Arrays.sort(lat);
                double wallMs = (last - t0) / 1e6;
                boolean roundPass = ok == n && wallMs <= limitMs;
                System.out.printf(
                        "round %d (raw client): n=%d ok=%d unanswered_or_failed=%d sends_spread_ms=%.1f wall_ms=%.1f "
                                + "latency_ms min=%.1f p50=%.1f p99=%.1f max=%.1f  %s (limit %d ms)%n",
                        round,
                        n,
                        ok,
                        n - ok,
                        (lastSend - t0) / 1e6,
                        wallMs,
                        lat[0] / 1e6,
                        lat[n / 2] / 1e6,
                        lat[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6,
                        lat[n - 1] == Long.MAX_VALUE ? Double.NaN : lat[n - 1] / 1e6,
                        roundPass ? "PASS" : "MISS",
                        limitMs);
                pass = roundPass;
            }
            for (Conn c : conns) c.channel.close();
        }
        return pass ? 0 : 1;
    }
}
