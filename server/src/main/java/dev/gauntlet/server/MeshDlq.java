package dev.gauntlet.server;

import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.dlq.DeadLetterQueue;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.dlq.DlqStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/** The DLQ endpoints over the mesh's own durable dead-letter queue. */
final class MeshDlq implements DlqBackend {

    /** A manual "replay all" goes through at most this many entries per request; call again for the rest. */
    static final int REPLAY_ALL_MAX = 1_000;

    private final DeadLetterQueue dlq;

    MeshDlq(Mesh mesh) {
        this.dlq = mesh.dlq();
    }

    @Override
    public List<DlqEntry> list(DlqFilter filter) {
        return dlq.list(filter);
    }

    @Override
    public Optional<DlqEntry> get(String id) {
        return dlq.entry(id);
    }

    @Override
    public Optional<Replay> replay(String id) {
        if (dlq.entry(id).isEmpty()) return Optional.empty();
        try {
            DlqEntry after = dlq.replay(id);
            return Optional.of(replay(after));
        } catch (IllegalStateException | IllegalArgumentException e) {
            // Succeeded, discarded, being replayed now, or its connector is gone: a conflict, not a server fault.
            throw new ApiError(409, "not_replayable", "id", e.getMessage());
        }
    }

    @Override
    public List<Replay> replayAll(String connector) {
        return replayAll(connector, n -> {}, r -> {});
    }

    @Override
    public List<Replay> replayAll(String connector, IntConsumer total, Consumer<Replay> each) {
        // The entries first, so progress has a total; those the replayer settles meanwhile are skipped below.
        var ids = new ArrayList<String>();
        for (DlqState state : List.of(DlqState.pending, DlqState.dead)) {
            for (DlqEntry e : dlq.list(new DlqFilter(connector, state, REPLAY_ALL_MAX))) {
                if (ids.size() < REPLAY_ALL_MAX) ids.add(e.id());
            }
        }
        total.accept(ids.size());
        var out = new ArrayList<Replay>();
        for (String id : ids) {
            Replay r;
            try {
                r = replay(dlq.replay(id));
            } catch (IllegalStateException | IllegalArgumentException raced) {
                // Claimed by the background replayer meanwhile, or its connector was removed: skip it.
                r = new Replay(id, "skipped", 0, raced.getMessage());
            }
            out.add(r);
            each.accept(r);
        }
        return out;
    }

    @Override
    public boolean discard(String id) {
        if (dlq.entry(id).isEmpty()) return false;
        if (!dlq.discard(id))
            throw new ApiError(
                    409,
                    "not_discardable",
                    "id",
                    "DLQ entry " + id + " is "
                            + dlq.entry(id).map(DlqEntry::state).orElse(null)
                            + "; only pending or dead entries can be discarded");
        return true;
    }

    @Override
    public Map<String, Object> stats() {
        DlqStats s = dlq.stats();
        var out = new LinkedHashMap<String, Object>();
        out.put("pending", s.pending());
        out.put("replaying", s.replaying());
        out.put("succeeded", s.succeeded());
        out.put("dead", s.dead());
        out.put("discarded", s.discarded());
        out.put("processed", s.processed());
        out.put("failed", s.failed());
        out.put("oldest_pending_age_s", s.oldestPendingAge().toMillis() / 1000.0);
        return out;
    }

    private static Replay replay(DlqEntry after) {
        String outcome = switch (after.state()) {
            case succeeded -> "succeeded";
            case dead -> "dead";
            default -> "failed";
        };
        int status = after.attempts().isEmpty() ? 0 : after.attempts().getLast().status();
        return new Replay(after.id(), outcome, status, after.lastError());
    }
}
