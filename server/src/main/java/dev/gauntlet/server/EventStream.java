package dev.gauntlet.server;

import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.MeshEvent;
import io.javalin.http.sse.SseClient;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events}: every event published on the mesh's bus, the server's own {@code run} events, and once a second a
 * {@code metrics} event with the snapshot, to each connected client. The publisher only drops an item into each client's bounded queue (the oldest
 * goes when a slow client falls behind); each client's own request thread writes, so a stuck client never blocks a call.
 */
final class EventStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    static final int QUEUE = 512;
    private static final Item END = new Item("end", "");

    /** One thing to send: the event name and its payload (serialised by the client's thread). */
    record Item(String event, Object payload) {}

    /** A connected client's queue: bounded, dropping the oldest when full, never blocking the offerer. */
    static final class Client {
        final ArrayBlockingQueue<Item> queue;
        final AtomicLong dropped = new AtomicLong();

        Client(int capacity) {
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        void offer(Item item) {
            while (!queue.offer(item)) {
                if (queue.poll() != null) dropped.incrementAndGet();
            }
        }
    }

    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final Runnable unsubscribe;
    private final ScheduledExecutorService ticker;
    private volatile boolean closed;

    EventStream(EventBus bus, Supplier<Object> metrics) {
        this.unsubscribe = bus.subscribe(this::publish);
        this.ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("aam-events-metrics").factory());
        ticker.scheduleAtFixedRate(
                () -> {
                    if (clients.isEmpty()) return;
                    try {
                        Item item = new Item("metrics", metrics.get());
                        clients.forEach(c -> c.offer(item));
                    } catch (RuntimeException e) {
                        LOG.warn("metrics snapshot for the event stream failed: {}", e.toString());
                    }
                },
                1,
                1,
                TimeUnit.SECONDS);
    }

    private void publish(MeshEvent e) {
        send(e.type(), e);
    }

    /** Sends an event that is not the mesh's (a run's start, phases and end) to every connected client. */
    void send(String event, Object payload) {
        if (clients.isEmpty()) return;
        Item item = new Item(event, payload);
        for (Client c : clients) c.offer(item);
    }

    int clients() {
        return clients.size();
    }

    /** Serves one client until it goes away or the server stops (runs on the request's virtual thread). */
    void serve(SseClient sse) {
        Client client = new Client(QUEUE);
        clients.add(client);
        sse.onClose(() -> clients.remove(client));
        try {
            sse.sendComment("connected");
            while (!closed && !sse.terminated()) {
                Item item = client.queue.poll(15, TimeUnit.SECONDS);
                if (item == END) break;
                if (item == null) {
                    sse.sendComment("keep-alive"); // also how a silent disconnect is noticed
                    continue;
                }
                Object data = item.payload() instanceof MeshEvent e ? Json.event(e) : item.payload();
                sse.sendEvent(item.event(), Json.write(data));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("event stream client gone: {}", e.toString());
        } finally {
            clients.remove(client);
            if (client.dropped.get() > 0) LOG.info("a slow event-stream client missed {} events", client.dropped.get());
            sse.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        unsubscribe.run();
        ticker.shutdownNow();
        clients.forEach(c -> c.offer(END));
    }
}
