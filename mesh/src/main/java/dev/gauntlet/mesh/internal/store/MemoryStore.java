package dev.gauntlet.mesh.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.auth.CredentialVault;
import dev.gauntlet.mesh.auth.SharedToken;
import dev.gauntlet.mesh.auth.SharedTokens;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqRepository;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.drift.SchemaRepository;
import dev.gauntlet.mesh.event.EventLog;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.StoredEvent;
import dev.gauntlet.mesh.idempotency.IdempotencyKeys;
import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentRepository;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.metrics.MetricRollup;
import dev.gauntlet.mesh.metrics.RollupRepository;
import dev.gauntlet.mesh.store.ConnectorRepository;
import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A store in memory, one repository per slice like the durable stores: for tests and for callers that need nothing
 * to survive a restart. Everything is written at once (an insert in memory costs the caller less than a queue would).
 */
public final class MemoryStore implements Store {
    /** Bounded like the durable stores' retention, so a long run in memory does not grow without end. */
    private static final int KEEP_EVENTS = 10_000;

    private static final int KEEP_ROLLUPS = 100_000;
    /**
     * Finished intents are kept for inspection only (nothing replays them, and nothing in memory outlives a restart to
     * be recovered), so only the newest ones are: at thousands of writes a second, keeping each with its body for the
     * retention's week grew the heap by tens of megabytes a minute, and every young GC copied them (measured with the
     * mesh-vs-naive benchmark: 30-150 ms pauses). At most this many are kept, and at least the newest half of it: they
     * go in two generations of half each, and when the newer one is full the older one is dropped whole. Dropping
     * them one by one (a queue of keys, each oldest one removed from a map of every intent) cost ~0.6 µs per keyed
     * write in {@code PipelineBench}, nearly all of it cache misses on the cold entries. Intents in flight are always
     * kept, in a map of their own that stays small.
     */
    static final int KEEP_FINISHED_INTENTS = 10_000;

    private final Retention retention;
    private final Credentials credentials = new Credentials();
    private final Schemas schemas = new Schemas();
    private final Events events = new Events();
    private final Rollups rollups = new Rollups();
    private final Intents intents = new Intents();
    private final Dlq dlq = new Dlq();
    private final Connectors connectors = new Connectors();
    private final LocalNodes nodes = new LocalNodes();

    public MemoryStore() {
        this(Retention.DEFAULT);
    }

    public MemoryStore(Retention retention) {
        this.retention = retention;
    }

    @Override
    public ConnectorRepository connectors() {
        return connectors;
    }

    @Override
    public dev.gauntlet.mesh.store.NodeRepository nodes() {
        return nodes;
    }

    @Override
    public CredentialVault credentials() {
        return credentials;
    }

    @Override
    public DlqRepository dlq() {
        return dlq;
    }

    @Override
    public IntentRepository intents() {
        return intents;
    }

    @Override
    public EventLog events() {
        return events;
    }

    @Override
    public RollupRepository rollups() {
        return rollups;
    }

    @Override
    public SchemaRepository schemas() {
        return schemas;
    }

    @Override
    public long prune(Instant now) {
        Instant finishedCut = now.minus(retention.finishedAge());
        return events.prune(now.minus(retention.eventAge()), retention.eventRows())
                + rollups.prune(now.minus(retention.rollupAge()), retention.rollupRows())
                + dlq.prune(finishedCut, retention.finishedRows())
                + intents.prune(finishedCut);
    }

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public void close() {}

    /** Rotated secrets by connector, tenant and name; OAuth sessions fenced by a lock in this JVM. */
    private static final class Credentials implements CredentialVault, SharedTokens {
        private final Map<String, String> credentials = new ConcurrentHashMap<>();
        private final LocalSharedTokens tokens = new LocalSharedTokens(this);

        @Override
        public Optional<SharedToken> loadToken(String connector, String tenant) {
            return tokens.loadToken(connector, tenant);
        }

        @Override
        public Optional<SharedToken> refreshToken(
                String connector, String tenant, Duration hold, Function<Optional<SharedToken>, SharedToken> mint) {
            return tokens.refreshToken(connector, tenant, hold, mint);
        }

        @Override
        public boolean compareAndSetToken(String connector, String tenant, long expectedVersion, SharedToken token) {
            return tokens.compareAndSetToken(connector, tenant, expectedVersion, token);
        }

        @Override
        public Optional<String> loadCredential(String connector, String tenant, String name) {
            return Optional.ofNullable(credentials.get(connector + '\u0000' + tenant + '\u0000' + name));
        }

        @Override
        public void saveCredential(String connector, String tenant, String name, String value) {
            credentials.put(connector + '\u0000' + tenant + '\u0000' + name, value);
        }
    }

    /** Learned schemas by connector and endpoint. */
    private static final class Schemas implements SchemaRepository {
        private final Map<String, Map<String, JsonNode>> schemas = new ConcurrentHashMap<>();

        @Override
        public Map<String, JsonNode> loadSchemas(String connector) {
            return Map.copyOf(schemas.getOrDefault(connector, Map.of()));
        }

        @Override
        public void saveSchema(String connector, String endpoint, JsonNode schema) {
            schemas.computeIfAbsent(connector, c -> new ConcurrentHashMap<>()).put(endpoint, schema);
        }
    }

    /** The newest events, as published. */
    private static final class Events implements EventLog {
        private final ConcurrentLinkedDeque<Kept> events = new ConcurrentLinkedDeque<>();
        private final AtomicInteger eventCount = new AtomicInteger();
        private final AtomicLong eventSeq = new AtomicLong();

        @Override
        public void appendEvent(MeshEvent event) {
            // Kept as the event itself and written as JSON only when read (rarely: the UI's and the API's recent
            // events):
            // every call path that publishes one pays a deque insert, not a serialisation under the store's lock.
            events.addFirst(new Kept(eventSeq.incrementAndGet(), event));
            if (eventCount.incrementAndGet() > KEEP_EVENTS && events.pollLast() != null) eventCount.decrementAndGet();
        }

        /** An event as it was published, numbered. */
        private record Kept(long id, MeshEvent event) {
            StoredEvent stored() {
                return new StoredEvent(id, event.at(), event.connector(), event.type(), StoredEvent.json(event));
            }
        }

        @Override
        public List<StoredEvent> recentEvents(String connector, int limit) {
            var out = new ArrayList<StoredEvent>();
            for (Kept e : events) {
                if (out.size() >= limit) break;
                if (connector == null || connector.equals(e.event().connector())) out.add(e.stored());
            }
            return out;
        }

        synchronized long prune(Instant cut, long rows) {
            long n = 0;
            for (Kept oldest = events.peekLast();
                    oldest != null
                            && (eventCount.get() > rows || oldest.event().at().isBefore(cut));
                    oldest = events.peekLast()) {
                if (events.removeLastOccurrence(oldest)) eventCount.decrementAndGet();
                n++;
            }
            return n;
        }
    }

    /** Per-second roll-ups, oldest first. */
    private static final class Rollups implements RollupRepository {
        private final Deque<MetricRollup> rollups = new ArrayDeque<>();

        @Override
        public synchronized void saveRollups(List<MetricRollup> batch) {
            rollups.addAll(batch);
            while (rollups.size() > KEEP_ROLLUPS) rollups.removeFirst();
        }

        @Override
        public synchronized List<MetricRollup> rollups(String connector, Instant from, Instant to) {
            var out = new ArrayList<MetricRollup>();
            for (MetricRollup r : rollups) {
                if ((connector == null || connector.equals(r.connector()))
                        && !r.second().isBefore(from)
                        && r.second().isBefore(to)) out.add(r);
            }
            out.sort(Comparator.comparing(MetricRollup::second));
            return out;
        }

        synchronized long prune(Instant cut, long rows) {
            int before = rollups.size();
            rollups.removeIf(r -> r.second().isBefore(cut));
            while (rollups.size() > rows) rollups.removeFirst();
            return before - rollups.size();
        }
    }

    /** Intents in flight, and the newest finished ones in two generations. */
    private static final class Intents implements IntentRepository {
        /** Concurrent rather than under a lock: every keyed write records and completes one. */
        private final Map<String, Intent> inFlight = new ConcurrentHashMap<>();

        private volatile Map<String, Intent> finished = generation();
        private volatile Map<String, Intent> finishedBefore = generation();
        private final AtomicInteger finishedCount = new AtomicInteger();

        @Override
        public void recordIntent(Intent i) {
            // Recorded again after it finished (a caller's retry, a DLQ replay): in flight again, with its first time.
            Intent before = finishedIntent(i.key());
            Intent fresh = before == null ? i : with(i, IntentState.in_flight, before.createdAt(), i.updatedAt());
            inFlight.merge(i.key(), fresh, (old, f) -> with(f, IntentState.in_flight, old.createdAt(), f.updatedAt()));
            if (before != null) {
                finished.remove(i.key());
                finishedBefore.remove(i.key());
            }
        }

        @Override
        public boolean completeIntent(String key, IntentState state, Instant at) {
            if (state == IntentState.in_flight) {
                if (inFlight.computeIfPresent(key, (k, i) -> with(i, state, i.createdAt(), at)) != null) return true;
                Intent done = finishedIntent(key);
                if (done == null) return false;
                recordIntent(with(done, state, done.createdAt(), at));
                return true;
            }
            Intent i = inFlight.remove(key);
            if (i == null) i = finishedIntent(key); // finished before: its end changes (e.g. parked, then failed)
            if (i == null) return false;
            Map<String, Intent> newest = finished;
            if (newest.put(key, with(i, state, i.createdAt(), at)) == null
                    && finishedCount.incrementAndGet() >= KEEP_FINISHED_INTENTS / 2) {
                dropOldFinished();
            }
            return true;
        }

        @Override
        public boolean moveIntent(String key, Instant seen, IntentState state, Instant at) {
            Intent i = inFlight.get(key);
            if (i == null || !i.updatedAt().equals(seen)) return false;
            if (state == IntentState.in_flight) return inFlight.replace(key, i, with(i, state, i.createdAt(), at));
            // Removed only as it was read: a send recording it meanwhile keeps it in flight.
            if (!inFlight.remove(key, i)) return false;
            Map<String, Intent> newest = finished;
            if (newest.put(key, with(i, state, i.createdAt(), at)) == null
                    && finishedCount.incrementAndGet() >= KEEP_FINISHED_INTENTS / 2) {
                dropOldFinished();
            }
            return true;
        }

        /** The newer generation of finished intents is full: it becomes the older one, and the older one is dropped whole. */
        private synchronized void dropOldFinished() {
            if (finishedCount.get() < KEEP_FINISHED_INTENTS / 2) return; // another thread just did
            finishedBefore = finished;
            finished = generation();
            finishedCount.set(0);
        }

        /** Sized for a full generation up front: growing it step by step rehashed it a dozen times per generation. */
        private static Map<String, Intent> generation() {
            return new ConcurrentHashMap<>(KEEP_FINISHED_INTENTS / 2);
        }

        private Intent finishedIntent(String key) {
            Intent i = finished.get(key);
            return i != null ? i : finishedBefore.get(key);
        }

        private static Intent with(Intent i, IntentState state, Instant createdAt, Instant updatedAt) {
            return new Intent(
                    i.key(),
                    i.connector(),
                    i.tenant(),
                    i.method(),
                    i.path(),
                    i.headers(),
                    i.body(),
                    i.contentType(),
                    i.opId(),
                    state,
                    createdAt,
                    updatedAt);
        }

        @Override
        public Optional<Intent> intent(String key) {
            Intent i = inFlight.get(key);
            return Optional.ofNullable(i != null ? i : finishedIntent(key));
        }

        @Override
        public List<Intent> staleIntents(Instant olderThan, int limit) {
            return inFlight.values().stream()
                    .filter(i ->
                            i.state() == IntentState.in_flight && i.updatedAt().isBefore(olderThan))
                    .sorted(Comparator.comparing(Intent::updatedAt))
                    .limit(limit)
                    .toList();
        }

        long prune(Instant cut) {
            int i = 0;
            for (Map<String, Intent> f : List.of(finished, finishedBefore)) {
                int size = f.size();
                f.values().removeIf(x -> x.updatedAt().isBefore(cut));
                i += size - f.size();
            }
            return i;
        }
    }

    /** DLQ entries in the order they were parked. */
    private static final class Dlq implements DlqRepository {
        /** In insertion order, so listings of entries parked in the same instant keep the order they were parked in. */
        private final Map<String, DlqEntry> dlq = new LinkedHashMap<>();

        @Override
        public synchronized void insertEntry(DlqEntry entry) {
            if (dlq.putIfAbsent(entry.id(), entry) != null)
                throw new IllegalArgumentException("DLQ entry " + entry.id() + " exists");
        }

        @Override
        public synchronized Optional<DlqEntry> entry(String id) {
            return Optional.ofNullable(dlq.get(id));
        }

        @Override
        public synchronized void updateEntry(DlqEntry entry) {
            dlq.computeIfPresent(entry.id(), (k, v) -> entry);
        }

        @Override
        public synchronized Optional<DlqEntry> openEntry(String connector, String key) {
            DlqEntry newest = null;
            for (DlqEntry e : dlq.values()) {
                if (!e.connector().equals(connector)
                        || e.idempotencyKey() == null
                        || !key.equals(IdempotencyKeys.original(e.idempotencyKey())) && !key.equals(e.idempotencyKey()))
                    continue;
                if (e.state() != DlqState.pending && e.state() != DlqState.replaying) continue;
                if (newest == null || e.createdAt().isAfter(newest.createdAt())) newest = e;
            }
            return Optional.ofNullable(newest);
        }

        @Override
        public synchronized List<DlqEntry> claimDue(String connector, Instant now, int limit, boolean unknownOutcome) {
            var due = dlq.values().stream()
                    .filter(e -> e.state() == DlqState.pending
                            && e.unknownOutcome() == unknownOutcome
                            && (connector == null || connector.equals(e.connector()))
                            && e.nextReplayAt() != null
                            && !e.nextReplayAt().isAfter(now))
                    .sorted(Comparator.comparing(DlqEntry::nextReplayAt))
                    .limit(limit)
                    .toList();
            var out = new ArrayList<DlqEntry>(due.size());
            for (DlqEntry e : due) {
                DlqEntry claimed = e.with(
                        e.attempts(),
                        e.errorClass(),
                        e.lastError(),
                        DlqState.replaying,
                        e.unknownOutcome(),
                        e.replays(),
                        e.nextReplayAt(),
                        now);
                dlq.put(e.id(), claimed);
                out.add(claimed);
            }
            return out;
        }

        @Override
        public synchronized boolean transition(String id, Set<DlqState> from, DlqState to, Instant at) {
            DlqEntry e = dlq.get(id);
            if (e == null || !from.contains(e.state())) return false;
            dlq.put(
                    id,
                    e.with(
                            e.attempts(),
                            e.errorClass(),
                            e.lastError(),
                            to,
                            e.unknownOutcome(),
                            e.replays(),
                            to == DlqState.pending && e.nextReplayAt() == null ? at : e.nextReplayAt(),
                            at));
            return true;
        }

        @Override
        public synchronized int releaseClaims(Instant olderThan, Instant at) {
            int n = 0;
            for (DlqEntry e : List.copyOf(dlq.values())) {
                if (e.state() == DlqState.replaying
                        && e.updatedAt().isBefore(olderThan)
                        && transition(e.id(), Set.of(DlqState.replaying), DlqState.pending, at)) n++;
            }
            return n;
        }

        @Override
        public synchronized List<DlqEntry> entries(DlqFilter f) {
            var out = new ArrayList<DlqEntry>();
            for (DlqEntry e : dlq.values()) {
                if ((f.connector() == null || f.connector().equals(e.connector()))
                        && (f.state() == null || f.state() == e.state())
                        && (f.errorClass() == null || f.errorClass() == e.errorClass())) out.add(e);
            }
            // Newest first; parked in the same instant, the later-parked first.
            Collections.reverse(out);
            out.sort(Comparator.comparing(DlqEntry::createdAt).reversed());
            return out.size() > f.limit() ? List.copyOf(out.subList(0, f.limit())) : out;
        }

        @Override
        public synchronized Map<DlqState, Long> countEntries() {
            var n = new EnumMap<DlqState, Long>(DlqState.class);
            for (DlqState s : DlqState.values()) n.put(s, 0L);
            for (DlqEntry e : dlq.values()) n.merge(e.state(), 1L, Long::sum);
            return n;
        }

        @Override
        public synchronized Optional<Instant> oldestPending() {
            return dlq.values().stream()
                    .filter(e -> e.state() == DlqState.pending)
                    .map(DlqEntry::createdAt)
                    .min(Instant::compareTo);
        }

        synchronized long prune(Instant cut, long rows) {
            int d = dlq.size();
            dlq.values().removeIf(e -> finished(e) && e.updatedAt().isBefore(cut));
            long over = dlq.values().stream().filter(Dlq::finished).count() - rows;
            if (over > 0) {
                // Beyond the cap: the finished entries finished longest ago go.
                var oldest = dlq.values().stream()
                        .filter(Dlq::finished)
                        .sorted(Comparator.comparing(DlqEntry::updatedAt))
                        .limit(over)
                        .map(DlqEntry::id)
                        .toList();
                oldest.forEach(dlq::remove);
            }
            return d - dlq.size();
        }

        private static boolean finished(DlqEntry e) {
            return e.state() == DlqState.succeeded || e.state() == DlqState.discarded;
        }
    }

    /** Connector definitions by id. */
    private static final class Connectors implements ConnectorRepository {
        private final Map<String, String> connectors = new TreeMap<>();
        private long changes;

        @Override
        public synchronized void saveConnector(String id, String specJson) {
            connectors.put(id, specJson);
            changes++;
        }

        @Override
        public synchronized Optional<String> loadConnector(String id) {
            return Optional.ofNullable(connectors.get(id));
        }

        @Override
        public synchronized Map<String, String> loadConnectors() {
            return new LinkedHashMap<>(connectors);
        }

        @Override
        public synchronized boolean deleteConnector(String id) {
            boolean had = connectors.remove(id) != null;
            if (had) changes++;
            return had;
        }

        @Override
        public synchronized long changes() {
            return changes;
        }
    }
}
