package dev.gauntlet.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The tests of one vendor's client: a farm and an AAM for the class, its service calm again and unscripted after each test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class VendorClientTest {

    @TempDir
    Path data;

    Rig rig;

    /** The farm service (and the AAM connector) this class's client talks to. */
    abstract String service();

    @BeforeAll
    void startRig() {
        rig = new Rig(data);
    }

    @AfterAll
    void stopRig() {
        if (rig != null) rig.close();
    }

    @AfterEach
    void calm() {
        rig.clearScript();
        rig.chaos(service(), "calm");
    }

    /** The ledger holds one entry for this op id, committed this many times (more than once is a duplicate). */
    void assertCommits(String opId, int commits) {
        assertThat(rig.ledgerEntries(service(), opId))
                .singleElement()
                .satisfies(e ->
                        assertThat(e.path("commits").asInt()).as(e.toString()).isEqualTo(commits));
    }

    /** The ledger holds exactly this many writes under an op id prefix, each committed once: no loss, no duplicate. */
    void assertEachCommittedOnce(String opIdPrefix, int writes) {
        assertThat(rig.ledgerEntries(service(), opIdPrefix))
                .hasSize(writes)
                .allSatisfy(e ->
                        assertThat(e.path("commits").asInt()).as(e.toString()).isEqualTo(1));
    }
}
