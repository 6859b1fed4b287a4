package dev.gauntlet.mesh.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers every published event to every subscriber, in the publisher's thread; a failing subscriber never stops a call. */
public final class EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    private final List<Consumer<MeshEvent>> subscribers = new CopyOnWriteArrayList<>();

    /** Subscribes; returns what unsubscribes. */
    public Runnable subscribe(Consumer<MeshEvent> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public void publish(MeshEvent event) {
        for (Consumer<MeshEvent> s : subscribers) {
            try {
                s.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("event subscriber failed on {}: {}", event.type(), e.toString());
            }
        }
    }
}
