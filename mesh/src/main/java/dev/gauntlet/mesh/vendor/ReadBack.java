package dev.gauntlet.mesh.vendor;

import dev.gauntlet.mesh.call.MeshResponse;

/** What a read-back found out about a write of unknown outcome. Decisions are values. */
public sealed interface ReadBack permits ReadBack.Found, ReadBack.Missing, ReadBack.Unknown {

    /** The upstream has it: committed. {@code answer} stands in for the answer that was lost (the record as read). */
    record Found(MeshResponse answer) implements ReadBack {}

    /** The upstream does not have it (yet: see the connector's {@code dlq.read_back_after}). */
    record Missing() implements ReadBack {}

    /** The read could not tell (it failed, or there was too much to look through). */
    record Unknown(String why) implements ReadBack {}

    ReadBack MISSING = new Missing();
}
