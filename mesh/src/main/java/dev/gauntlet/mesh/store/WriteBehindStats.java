package dev.gauntlet.mesh.store;

/**
 * What a store's write-behind queue of events and roll-ups did since it started.
 *
 * @param queued         items waiting now
 * @param written        items written
 * @param droppedEvents  events dropped because the queue was full
 * @param droppedRollups roll-ups dropped because the queue was full
 * @param failed         items of batches the store refused
 */
public record WriteBehindStats(
        int queued, int capacity, long written, long droppedEvents, long droppedRollups, long failed) {
    public long dropped() {
        return droppedEvents + droppedRollups;
    }
}
