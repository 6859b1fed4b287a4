package dev.gauntlet.mesh;

import dev.gauntlet.mesh.dlq.DeadLetters;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.time.Sleeper;
import java.net.http.HttpClient;
import java.time.InstantSource;

/**
 * What every connector of one mesh shares: time (injected), the sleeper, the event bus, the store and the one
 * JDK HttpClient (never a client per call), and the dead-letter queue.
 */
public record MeshContext(InstantSource clock, Sleeper sleeper, EventBus events, Store store, HttpClient http, DeadLetters deadLetters) {}
