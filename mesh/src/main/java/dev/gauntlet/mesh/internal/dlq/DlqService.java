package dev.gauntlet.mesh.internal.dlq;

import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.call.Secrets;
import dev.gauntlet.mesh.dlq.DeadLetterQueue;
import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqRepository;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.dlq.DlqStats;
import dev.gauntlet.mesh.event.DeadLettered;
import dev.gauntlet.mesh.event.EntryDead;
import dev.gauntlet.mesh.event.EntryDiscarded;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.OutcomeSettled;
import dev.gauntlet.mesh.event.ReplayFailed;
import dev.gauntlet.mesh.event.ReplaySucceeded;
import dev.gauntlet.mesh.idempotency.IdempotencyKeys;
import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentRepository;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.vendor.OutcomeCheck;
import dev.gauntlet.mesh.vendor.ReadBack;
import dev.gauntlet.mesh.vendor.WriteRef;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The dead-letter queue over a store's DLQ slice: parks writes (a failed replay updates its entry instead), replays
 * them through their connector with the key they were first sent with, discards, lists and counts. The
 * {@link Replayer} drives the automatic replays.
 */
public final class DlqService implements DeadLetterQueue, DeadLetters {

    /** A replay refused by an open breaker is tried again this soon (or after baseDelay if shorter): nothing was sent. */
    static final Duration CIRCUIT_RECHECK = Duration.ofMillis(250);
    /** Backoff between failed replays doubles up to this. */
    static final Duration MAX_BACKOFF = Duration.ofHours(1);

    private static final Set<DlqState> REPLAYABLE = EnumSet.of(DlqState.pending, DlqState.dead);
    private static final HexFormat HEX = HexFormat.of();

    private final DlqRepository repo;
    private final IntentRepository intents;
    private final InstantSource clock;
    private final EventBus events;
    private final Function<String, ReplayTarget> connectors;
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param intents    where write intents are kept (for {@link #recoverInFlight}); may be null when there are none
     * @param connectors the registered connector by id, or null when it is not registered
     */
    public DlqService(
            DlqRepository repo,
            IntentRepository intents,
            InstantSource clock,
            EventBus events,
            Function<String, ReplayTarget> connectors) {
        this.repo = repo;
        this.intents = intents;
        this.clock = clock;
        this.events = events;
        this.connectors = connectors;
    }

    public DlqRepository repository() {
        return repo;
    }

    @Override
    public String park(
            String connector, DlqConfig config, Exchange exchange, Outcome.Failure failure, boolean unknownOutcome) {
        Instant now = clock.instant();
        if (exchange.replayOf() != null) {
            Optional<DlqEntry> replayed = repo.entry(exchange.replayOf());
            if (replayed.isPresent()) {
                DlqEntry entry = replayed.get();
                String key = exchange.idempotencyKey();
                if (key != null && entry.idempotencyKey() != null && !key.equals(entry.idempotencyKey())) {
                    // The replay's key was spent on an answer the upstream saved (Stripe's keyed 500): the retry stage
                    // read the write back, did not find it and moved to a fresh key, but had no attempt left to send
                    // it.
                    // The next replay must go under that key - with the old one it gets the saved 500 for ever (a
                    // crash test once replayed such an entry 29 times, and the DLQ never drained).
                    entry = entry.withKey(key, now);
                }
                replayFailed(
                        entry,
                        exchange.attempts(),
                        failure.errorClass(),
                        failure.message(),
                        unknownOutcome,
                        failure.inProgress(),
                        config,
                        now);
                return entry.id();
            }
            // The entry is gone (pruned by hand, another store): park afresh rather than lose the write.
        }
        var req = exchange.request();
        String id = newId();
        repo.insertEntry(new DlqEntry(
                id,
                connector,
                req.tenant(),
                req.method(),
                req.path(),
                Secrets.strip(req.headers()),
                req.body(),
                req.contentType(),
                exchange.idempotencyKey(),
                req.opId(),
                exchange.attempts(),
                failure.errorClass(),
                failure.message(),
                DlqEntry.SCHEMA_VERSION,
                DlqState.pending,
                unknownOutcome,
                0,
                failure.errorClass() == ErrorClass.circuit_open
                        ? now.plus(min(config.baseDelay(), CIRCUIT_RECHECK))
                        : now.plus(config.baseDelay()),
                now,
                now));
        events.publish(new DeadLettered(now, connector, id, failure.errorClass(), unknownOutcome));
        return id;
    }

    /**
     * Settles writes of unknown outcome where the connector's vendor can read them back ({@link OutcomeCheck}): one
     * found is done (succeeded, nothing sent again); one not found becomes an ordinary pending entry for the replayer -
     * under a fresh key when it had one, since the old one is spent on the answer the upstream saved - once it is old
     * enough for the read to be conclusive ({@link DlqConfig#settleAfter}: {@code dlq.read_back_after}, and after a
     * timeout also {@code dlq.in_flight_for}; younger, it is asked again then); a failed read is asked again after
     * half the entry's age ({@code dlq.base_delay} to an hour); one whose body the read cannot find waits for a person.
     * At most {@code limit} reads, side by side; returns how many entries were claimed.
     */
    public int settleUnknown(ReplayTarget c, int limit) {
        OutcomeCheck check = c.vendor().outcomeCheck(c.idempotency().opIdField());
        if (check == OutcomeCheck.NONE || limit <= 0) return 0;
        // Claimed as a replay is, so a person's replay or discard of the same entry meanwhile cannot race the read.
        List<DlqEntry> claimed = repo.claimDue(c.id(), clock.instant(), limit, true);
        if (claimed.isEmpty()) return 0;
        // Side by side: each read goes through the connector's whole pipeline, and against a struggling upstream one
        // can take seconds (retries, Retry-After, a hang until the attempt timeout); one after another they held up
        // the replay pass of every connector.
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (DlqEntry e : claimed) pool.submit(() -> settle(check, c, e));
        }
        return claimed.size();
    }

    private void settle(OutcomeCheck check, ReplayTarget c, DlqEntry e) {
        WriteRef ref =
                new WriteRef(e.tenant(), e.method(), e.path(), e.body(), e.contentType(), e.opId(), e.firstSentAt());
        if (!check.applies(ref)) {
            // Nothing to read back by (no op id where the read looks, another endpoint): a person decides; no replay is
            // scheduled.
            repo.updateEntry(e.unknownUntil(null, clock.instant()));
            return;
        }
        ReadBack found;
        try {
            found = check.readBack(ref, c::readBack);
        } catch (RuntimeException bug) {
            LOG.warn("reading back {} failed unexpectedly", e.id(), bug);
            found = new ReadBack.Unknown(String.valueOf(bug));
        }
        Instant at = clock.instant();
        DlqConfig config = c.dlq();
        // Counted from the last send, not from the parking: a replay that timed out may still be carried out upstream
        // (a crash run read a Datadog point back too early after its replay timed out, found nothing, replayed it, and
        // the late send landed too - two commits).
        Instant conclusiveAt = e.lastSentAt().plus(config.settleAfter(e.errorClass()));
        switch (found) {
            case ReadBack.Unknown unknown -> {
                // The read failed this time: asked again later, the gaps growing with the entry's age (half of it, from
                // base_delay up to an hour), so an upstream that stays down is not read every half second.
                Duration wait = max(
                        config.baseDelay(),
                        min(Duration.between(e.createdAt(), at).dividedBy(2), Duration.ofHours(1)));
                repo.updateEntry(e.unknownUntil(at.plus(wait), at));
            }
            case ReadBack.Found ok -> {
                repo.updateEntry(e.with(
                        e.attempts(),
                        null,
                        "committed: read back from the upstream, not sent again",
                        DlqState.succeeded,
                        false,
                        e.replays(),
                        null,
                        at));
                committed(e, at);
                events.publish(new OutcomeSettled(at, e.connector(), e.id(), true));
            }
            // Not found yet, but young enough that the upstream may not show it yet: asked again once old enough.
            case ReadBack.Missing missing
            when at.isBefore(conclusiveAt) -> repo.updateEntry(e.unknownUntil(conclusiveAt, at));
            case ReadBack.Missing missing -> {
                DlqEntry again =
                        e.idempotencyKey() == null ? e : e.withKey(IdempotencyKeys.next(e.idempotencyKey()), at);
                repo.updateEntry(again.with(
                        e.attempts(),
                        e.errorClass(),
                        "not committed (read back from the upstream): " + e.lastError(),
                        DlqState.pending,
                        false,
                        e.replays(),
                        at,
                        at));
                events.publish(new OutcomeSettled(at, e.connector(), e.id(), false));
            }
        }
    }

    /**
     * The write is committed: its intent under the key it was first sent with says so (a replay under a fresh key
     * recorded only that one), so the caller's own resend with its op id is read back, not sent a second time.
     */
    private void committed(DlqEntry e, Instant at) {
        if (intents == null || e.idempotencyKey() == null) return;
        intents.completeIntent(IdempotencyKeys.original(e.idempotencyKey()), IntentState.succeeded, at);
    }

    /**
     * Counts a failed replay (unless the breaker refused it, or another send of the same write was in progress),
     * schedules the next with backoff, or declares it dead.
     */
    private void replayFailed(
            DlqEntry before,
            List<Attempt> attempts,
            ErrorClass c,
            String message,
            boolean unknown,
            boolean inProgress,
            DlqConfig config,
            Instant now) {
        // The replay's attempts under its replay number: `e` is the entry with them.
        DlqEntry e = before.withReplayAttempts(attempts);
        List<Attempt> all = e.attempts();
        boolean unknownNow = e.unknownOutcome() || unknown;
        if (inProgress) {
            // 409 "in progress": a send with this key is still being carried out (the live caller's, or the upstream's
            // own). Not a verdict on the write: it stays pending, uncounted, and is asked again after base_delay.
            Instant next = now.plus(config.baseDelay());
            repo.updateEntry(
                    e.with(all, e.errorClass(), e.lastError(), DlqState.pending, unknownNow, e.replays(), next, now));
            events.publish(new ReplayFailed(now, e.connector(), e.id(), c, e.replays(), false, next));
            return;
        }
        if (c == ErrorClass.circuit_open) {
            Instant next = now.plus(min(config.baseDelay(), CIRCUIT_RECHECK));
            repo.updateEntry(e.with(all, c, message, DlqState.pending, unknownNow, e.replays(), next, now));
            events.publish(new ReplayFailed(now, e.connector(), e.id(), c, e.replays(), false, next));
            return;
        }
        failed.incrementAndGet();
        int replays = e.replays() + 1;
        if (replays >= config.maxReplays()) {
            repo.updateEntry(e.with(all, c, message, DlqState.dead, unknownNow, replays, null, now));
            events.publish(new ReplayFailed(now, e.connector(), e.id(), c, replays, true, null));
            events.publish(new EntryDead(now, e.connector(), e.id(), replays, "max_replays"));
            return;
        }
        Instant next = now.plus(backoff(config.baseDelay(), replays));
        repo.updateEntry(e.with(all, c, message, DlqState.pending, unknownNow, replays, next, now));
        events.publish(new ReplayFailed(now, e.connector(), e.id(), c, replays, true, next));
    }

    /** baseDelay · 2^(n−1), capped at an hour. */
    static Duration backoff(Duration base, int failedReplays) {
        int shift = Math.min(failedReplays - 1, 20);
        Duration d = base.multipliedBy(1L << Math.max(0, shift));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /**
     * Replays an entry this caller has claimed (state replaying) through its connector and records the result.
     * Returns the entry as it stands afterwards.
     */
    DlqEntry replayClaimed(DlqEntry e) {
        return replayClaimed(e, true);
    }

    /** @param automatic the replayer's own replay (a person's replay by hand is theirs to decide) */
    private DlqEntry replayClaimed(DlqEntry e, boolean automatic) {
        ReplayTarget c = connectors.apply(e.connector());
        Instant now = clock.instant();
        if (c == null) {
            // Not registered in this mesh (yet): put it back untouched so a mesh that knows the connector can replay
            // it.
            repo.transition(e.id(), Set.of(DlqState.replaying), DlqState.pending, now);
            return repo.entry(e.id()).orElse(e);
        }
        if (automatic && !e.unknownOutcome() && recovered(e) && plain(c, e)) {
            // Recovered from a crash before its connector was registered here: a plain write that may have been
            // committed. Read back first (settleUnknown), never replayed as it is.
            DlqEntry unknown = e.unknownUntil(now, now);
            repo.updateEntry(unknown);
            return unknown;
        }
        processed.incrementAndGet();
        try {
            MeshResponse r = c.replay(e.toRequest(), e.idempotencyKey(), e.id());
            Instant at = clock.instant();
            DlqEntry grown = e.withReplayAttempts(r.attempts());
            DlqEntry done = grown.with(
                    grown.attempts(), null, null, DlqState.succeeded, e.unknownOutcome(), e.replays() + 1, null, at);
            repo.updateEntry(done);
            committed(e, at);
            events.publish(new ReplaySucceeded(at, e.connector(), e.id(), e.replays() + 1, r.status()));
            return done; // the common case needs no read back
        } catch (MeshException.DeadLettered parked) {
            // park() has already recorded the failed replay on this entry (it saw replayOf).
            if (!parked.dlqId().equals(e.id())) LOG.warn("replay of {} was parked as {}", e.id(), parked.dlqId());
        } catch (MeshException.CallFailed refused) {
            if (refused.inProgress()) {
                replayFailed(
                        e,
                        refused.attempts(),
                        refused.errorClass(),
                        refused.getMessage(),
                        false,
                        true,
                        c.dlq(),
                        clock.instant());
                return repo.entry(e.id()).orElse(e);
            }
            if (Thread.currentThread().isInterrupted()) {
                // The replayer is being stopped mid-call: not the upstream's verdict. Try again later.
                DlqEntry grown = e.withReplayAttempts(refused.attempts());
                repo.updateEntry(grown.with(
                        grown.attempts(),
                        e.errorClass(),
                        e.lastError(),
                        DlqState.pending,
                        e.unknownOutcome(),
                        e.replays(),
                        clock.instant(),
                        clock.instant()));
                return repo.entry(e.id()).orElse(e);
            }
            // Not parked by the pipeline: the upstream refused it (client error, bad credentials); sending it again
            // unchanged would be refused again. A person can fix and replay it by hand.
            failed.incrementAndGet();
            Instant at = clock.instant();
            DlqEntry grown = e.withReplayAttempts(refused.attempts());
            repo.updateEntry(grown.with(
                    grown.attempts(),
                    refused.errorClass(),
                    refused.getMessage(),
                    DlqState.dead,
                    e.unknownOutcome(),
                    e.replays() + 1,
                    null,
                    at));
            events.publish(
                    new ReplayFailed(at, e.connector(), e.id(), refused.errorClass(), e.replays() + 1, true, null));
            events.publish(new EntryDead(at, e.connector(), e.id(), e.replays() + 1, "refused"));
        } catch (RuntimeException bug) {
            LOG.warn("replay of {} failed unexpectedly", e.id(), bug);
            replayFailed(
                    e,
                    List.of(),
                    ErrorClass.network_error,
                    String.valueOf(bug),
                    false,
                    false,
                    c.dlq(),
                    clock.instant());
        }
        return repo.entry(e.id()).orElse(e);
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DlqService.class);

    /**
     * Replays one entry now, by hand: pending (also of unknown outcome) or dead entries only. Returns the entry as it
     * stands afterwards.
     *
     * @throws IllegalArgumentException when there is no such entry, or its connector is not registered
     * @throws IllegalStateException    when it is succeeded, discarded, or being replayed now
     */
    @Override
    public DlqEntry replay(String id) {
        DlqEntry e = entryOrThrow(id);
        if (connectors.apply(e.connector()) == null) {
            throw new IllegalArgumentException(
                    "DLQ entry " + id + " belongs to connector '" + e.connector() + "', which is not registered");
        }
        if (!repo.transition(id, REPLAYABLE, DlqState.replaying, clock.instant())) {
            throw new IllegalStateException("DLQ entry " + id + " is "
                    + repo.entry(id).map(DlqEntry::state).orElse(null)
                    + "; only pending or dead entries can be replayed");
        }
        return replayClaimed(repo.entry(id).orElseThrow(), false);
    }

    /** Discards a pending or dead entry: it will never be sent. False when it is in another state. */
    @Override
    public boolean discard(String id) {
        DlqEntry e = entryOrThrow(id);
        Instant now = clock.instant();
        if (!repo.transition(id, REPLAYABLE, DlqState.discarded, now)) return false;
        events.publish(new EntryDiscarded(now, e.connector(), id));
        return true;
    }

    @Override
    public Optional<DlqEntry> entry(String id) {
        return repo.entry(id);
    }

    @Override
    public List<DlqEntry> list(DlqFilter filter) {
        return repo.entries(filter);
    }

    @Override
    public List<DlqEntry> list() {
        return repo.entries(DlqFilter.ALL);
    }

    @Override
    public DlqStats stats() {
        Map<DlqState, Long> n = repo.countEntries();
        Duration age = repo.oldestPending()
                .map(t -> Duration.between(t, clock.instant()))
                .filter(d -> !d.isNegative())
                .orElse(Duration.ZERO);
        return new DlqStats(
                n.getOrDefault(DlqState.pending, 0L),
                n.getOrDefault(DlqState.replaying, 0L),
                n.getOrDefault(DlqState.succeeded, 0L),
                n.getOrDefault(DlqState.dead, 0L),
                n.getOrDefault(DlqState.discarded, 0L),
                processed.get(),
                failed.get(),
                age);
    }

    /**
     * Writes whose intent is still in flight since before {@code olderThan} (the process stopped mid-call) go to the
     * DLQ as pending with the same key, so a replay settles them: the upstream commits a key once. Returns how many.
     *
     * <p>Every node recovers, and the call that recorded an intent may still be running (its send fence renews the
     * intent before each attempt): the intent is taken by compare-and-set - moved to parked only while it is still as
     * read - before its entry is written, so two nodes recovering at once, a recovery frozen half-way, or a call that
     * renewed meanwhile never make a second entry of one write. A write that already waits in the DLQ (it parked itself
     * and could not record so) only has its intent ended. A process killed between the move and the entry leaves the
     * intent parked without an entry: the one gap, a statement wide.
     */
    public int recoverInFlight(Instant olderThan) {
        if (intents == null) return 0;
        int moved = 0;
        var seen = new HashSet<String>();
        for (List<Intent> batch = intents.staleIntents(olderThan, 500);
                !batch.isEmpty();
                batch = intents.staleIntents(olderThan, 500)) {
            boolean progress = false;
            for (Intent i : batch) {
                if (!seen.add(i.key() + "@" + i.updatedAt())) continue;
                progress = true;
                Instant now = clock.instant();
                if (repo.openEntry(i.connector(), i.key()).isPresent()) {
                    intents.moveIntent(i.key(), i.updatedAt(), IntentState.parked, now);
                    continue;
                }
                if (!intents.moveIntent(i.key(), i.updatedAt(), IntentState.parked, now))
                    continue; // renewed by its sender, or another node recovered it first
                String id = newId();
                DlqEntry e = new DlqEntry(
                        id,
                        i.connector(),
                        i.tenant(),
                        i.method(),
                        i.path(),
                        i.headers(),
                        i.body(),
                        i.contentType(),
                        i.key(),
                        i.opId(),
                        List.of(),
                        null,
                        RECOVERED + i.updatedAt() + " when the mesh stopped; outcome not recorded",
                        DlqEntry.SCHEMA_VERSION,
                        DlqState.pending,
                        false,
                        0,
                        now,
                        now,
                        now);
                // A plain write (no key, no upsert: GitHub, Datadog) may have been committed: replayed as it is it
                // would be committed twice. It is of unknown outcome, to be read back first; keyed and upsert writes
                // are replayed with their key. A connector not registered yet (recovery at start) is checked at replay.
                boolean unknown = plain(e);
                if (unknown) e = e.unknownUntil(now, now); // a fresh entry: no replays yet
                try {
                    repo.insertEntry(e);
                } catch (RuntimeException notRecorded) {
                    // Back in flight as it was, for the next recovery to take: an intent parked without its entry would
                    // be a write nobody completes.
                    intents.completeIntent(i.key(), IntentState.in_flight, i.updatedAt());
                    throw notRecorded;
                }
                events.publish(new DeadLettered(now, i.connector(), id, null, unknown));
                moved++;
            }
            // Only intents seen already (each changed under us and was skipped): nothing more to take in this pass.
            if (!progress) break;
        }
        return moved;
    }

    /** A plain write of a registered connector; unregistered: not known here (the replay checks again once it is). */
    private boolean plain(DlqEntry e) {
        ReplayTarget c = connectors.apply(e.connector());
        return c != null && plain(c, e);
    }

    private static boolean plain(ReplayTarget c, DlqEntry e) {
        return c.vendor().writeForm(e.toRequest(), c.idempotency().enabled()) == dev.gauntlet.mesh.call.WriteForm.PLAIN;
    }

    /**
     * Parked by crash recovery and not looked at since: no failure, no attempt, and the recovery's own words (a read
     * back that did not find it rewrites them, and the entry is then replayed as any other).
     */
    private static boolean recovered(DlqEntry e) {
        return e.errorClass() == null
                && e.attempts().isEmpty()
                && e.lastError() != null
                && e.lastError().startsWith(RECOVERED);
    }

    /** How crash recovery's entries begin their last_error. */
    static final String RECOVERED = "in flight since ";

    /** Entries a stopped replayer left in replaying since before {@code olderThan} become pending again. */
    public int releaseClaims(Instant olderThan) {
        return repo.releaseClaims(olderThan, clock.instant());
    }

    private DlqEntry entryOrThrow(String id) {
        return repo.entry(id).orElseThrow(() -> new IllegalArgumentException("no DLQ entry '" + id + "'"));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** "dlq_" and 24 random hex digits: unique across processes and nodes without a sequence in the store. */
    private static String newId() {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        return "dlq_" + HEX.formatHex(b);
    }
}
