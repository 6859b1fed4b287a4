package dev.gauntlet.farm;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of tests that talk to a fresh farm with the built-in services on a free loopback port. */
public abstract class BuiltInFarmTest {

    @TempDir
    protected Path dir;

    protected TestFarm farm;

    @BeforeEach
    void startFarm() {
        farm = TestFarm.builtIns();
    }

    @AfterEach
    void stopFarm() {
        if (farm != null) farm.close();
    }
}
