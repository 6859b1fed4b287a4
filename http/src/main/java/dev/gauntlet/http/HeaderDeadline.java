package dev.gauntlet.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A header-read deadline for a Jetty listener: a connection that has begun a request but not finished its request
 * line and headers within {@code limit} is closed. Jetty has only an idle timeout, which every byte resets, so a client
 * sending one header byte every few seconds (slowloris) would hold a connection for ever. Waiting between requests on a
 * kept-alive connection is not limited here: that is the idle timeout's job.
 *
 * <p>Checked once a second on the connector's own scheduler: the parser's state tells whether a request is under way
 * ({@link HttpParser#inHeaderState()} and not {@code START}); the same request (same count of requests in) seen
 * mid-headers for longer than the limit is closed. Jetty exposes the parser only on its {@code internal} connection
 * type; that is the one part of Jetty's machinery used here.
 */
public final class HeaderDeadline extends AbstractLifeCycle {

    /** Long enough for any real client on a slow link; far shorter than the 30 s idle timeout. */
    public static final Duration DEFAULT = Duration.ofSeconds(10);

    private record Seen(long requestsIn, long sinceNanos) {}

    private final AbstractConnector connector;
    private final long limitNanos;
    private final LongSupplier nanoTime;
    private final Map<EndPoint, Seen> underway = new ConcurrentHashMap<>();
    private final AtomicLong closed = new AtomicLong();
    private volatile Scheduler.Task next;

    /** A deadline of {@code limit} on {@code connector}'s connections. */
    public HeaderDeadline(AbstractConnector connector, Duration limit) {
        this(connector, limit, System::nanoTime);
    }

    HeaderDeadline(AbstractConnector connector, Duration limit, LongSupplier nanoTime) {
        if (limit.isNegative() || limit.isZero())
            throw new IllegalArgumentException("header deadline must be > 0, was " + limit);
        this.connector = connector;
        this.limitNanos = limit.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Connections closed so far for taking too long over their headers. */
    public long closed() {
        return closed.get();
    }

    @Override
    protected void doStart() {
        schedule();
    }

    @Override
    protected void doStop() {
        Scheduler.Task task = next;
        if (task != null) task.cancel();
        underway.clear();
    }

    private void schedule() {
        if (isRunning() || isStarting()) next = connector.getScheduler().schedule(this::tick, 1, TimeUnit.SECONDS);
    }

    private void tick() {
        try {
            sweep();
        } finally {
            schedule();
        }
    }

    /** One look at every connection (package-private for tests). */
    void sweep() {
        long now = nanoTime.getAsLong();
        for (EndPoint endPoint : connector.getConnectedEndPoints()) {
            if (!(endPoint.getConnection() instanceof HttpConnection http)) continue;
            HttpParser parser = http.getParser();
            boolean midHeaders = parser.inHeaderState() && !parser.isState(HttpParser.State.START);
            if (!midHeaders) {
                underway.remove(endPoint);
                continue;
            }
            long requestsIn = http.getMessagesIn();
            Seen seen = underway.get(endPoint);
            if (seen == null || seen.requestsIn() != requestsIn) {
                underway.put(endPoint, new Seen(requestsIn, now));
            } else if (now - seen.sinceNanos() > limitNanos) {
                underway.remove(endPoint);
                closed.incrementAndGet();
                endPoint.close();
            }
        }
        underway.keySet().removeIf(e -> !e.isOpen());
    }
}
