package dev.gauntlet.mesh.dlq;

import java.util.List;
import java.util.Optional;

/** The dead-letter queue as a user sees it: the parked writes, their replay by hand and their discarding. */
public interface DeadLetterQueue {

    /**
     * Replays one entry now through its connector's pipeline; returns the entry as it is afterwards.
     *
     * @throws IllegalArgumentException when there is no such entry, or its connector is not registered
     * @throws IllegalStateException    when it is succeeded, discarded, or being replayed now
     */
    DlqEntry replay(String id);

    /** Discards a pending or dead entry: it will never be sent. False when it is in another state. */
    boolean discard(String id);

    Optional<DlqEntry> entry(String id);

    List<DlqEntry> list(DlqFilter filter);

    /** Every entry, newest first. */
    List<DlqEntry> list();

    DlqStats stats();
}
