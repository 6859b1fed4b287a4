package dev.gauntlet.mesh.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.StoreException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

/** What only SQLite does: its migrations (from a fresh file, from the old runner, refusing newer files), file permissions, reopening, batched pruning (the contract every store keeps: {@link StoreContract}). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqliteStoreTest {

    @TempDir
    Path dir;

    static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

    static DlqEntry entry(String id, String connector, Instant created, Instant next) {
        return dev.gauntlet.mesh.store.StoreContract.entry(id, connector, created, next);
    }

    @Test
    void shouldMigrateAFreshFileAndReopenItWithoutMigratingAgain() throws Exception {
        try (SqliteStore s = SqliteStore.open(dir)) {
            assertThat(s.schemaVersion()).isEqualTo(SqliteStore.latestVersion()).isEqualTo(4);
            s.connectors().saveConnector("shop", "{\"id\":\"shop\"}");
        }
        try (SqliteStore s = SqliteStore.open(dir)) {
            assertThat(s.schemaVersion()).isEqualTo(SqliteStore.latestVersion());
            assertThat(s.connectors().loadConnector("shop")).contains("{\"id\":\"shop\"}");
        }
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.FILE_NAME));
                var rs = c.createStatement()
                        .executeQuery(
                                "SELECT script FROM flyway_schema_history WHERE success = 1 ORDER BY installed_rank")) {
            var scripts = new ArrayList<String>();
            while (rs.next()) scripts.add(rs.getString(1));
            assertThat(scripts)
                    .as("each migration applied once, by Flyway")
                    .containsExactly(
                            "V1__init.sql",
                            "V2__dlq_by_key.sql",
                            "V3__store_probe_and_retention.sql",
                            "V4__dlq_attempts_omitted.sql");
        }
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.FILE_NAME));
                var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void shouldMigrateOnceWhenTwoOpenAFreshFileAtOnce() throws Exception {
        var stores = new CopyOnWriteArrayList<SqliteStore>();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var a = pool.submit(() -> {
                start.await();
                stores.add(SqliteStore.open(dir));
                return null;
            });
            var b = pool.submit(() -> {
                start.await();
                stores.add(SqliteStore.open(dir));
                return null;
            });
            start.countDown();
            a.get();
            b.get();
        }
        try {
            assertThat(stores)
                    .hasSize(2)
                    .allSatisfy(s -> assertThat(s.schemaVersion()).isEqualTo(SqliteStore.latestVersion()));
        } finally {
            stores.forEach(SqliteStore::close);
        }
    }

    @Test
    void shouldRefuseAFileWhenItsSchemaIsNewerThanTheCode() throws Exception {
        SqliteStore.open(dir).close();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.FILE_NAME))) {
            c.createStatement()
                    .execute(
                            "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, "
                                    + "installed_by, installed_on, execution_time, success) VALUES (99, '7', 'future', 'SQL', 'V7__future.sql', 0, 'x', "
                                    + "'2030-01-01 00:00:00', 0, 1)");
        }

        assertThatThrownBy(() -> SqliteStore.open(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 7")
                .hasMessageContaining("newer than this mesh knows (" + SqliteStore.latestVersion() + ")");
    }

    @Test
    void shouldRefuseAFileOfTheOldRunnerWhenItsSchemaIsNewerThanTheCode() throws Exception {
        LegacyStore.create(dir.resolve(SqliteStore.FILE_NAME), 3);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.FILE_NAME))) {
            c.createStatement()
                    .execute("INSERT INTO schema_version (version, name, applied_at) VALUES (7, 'V7__future.sql', 0)");
        }

        assertThatThrownBy(() -> SqliteStore.open(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 7")
                .hasMessageContaining("newer than this mesh knows");
    }

    /** A file made by the hand-written runner (its own schema_version table) opens under Flyway with every row kept. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {2, 3})
    void shouldOpenAFileMadeByTheOldMigrationsWithNoDataLost(int oldVersion) throws Exception {
        Path file = dir.resolve("v" + oldVersion).resolve(SqliteStore.FILE_NAME);
        LegacyStore.create(file, oldVersion);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + file);
                var st = c.createStatement()) {
            st.execute("INSERT INTO connectors (id, spec_json, updated_at) VALUES ('shop', '{\"id\":\"shop\"}', 1)");
            st.execute(
                    "INSERT INTO credentials (connector, tenant, name, value, updated_at) VALUES ('sf', 'default', 'refresh_token', 'r1', 1)");
            st.execute("INSERT INTO events (at, connector, type, json) VALUES (" + T0.toEpochMilli()
                    + ", 'shop', 'happened', '{\"n\":1}')");
            st.execute(
                    "INSERT INTO intents (idem_key, connector, tenant, method, path, headers_json, body, content_type, op_id, state, created_at, "
                            + "updated_at) VALUES ('k1', 'shop', 'default', 'POST', '/x', '{}', X'00', NULL, 'op', 'in_flight', 1, 1)");
            st.execute(
                    "INSERT INTO dlq_entries (id, seq, connector, tenant, method, path, headers_json, body, content_type, idem_key, op_id, "
                            + "attempts_json, error_class, last_error, schema_version, state, unknown_outcome, replays, next_replay_at, created_at, updated_at) "
                            + "VALUES ('e1', 1, 'shop', 'default', 'POST', '/x', '{}', X'00', NULL, 'key-1', 'op', '"
                            + LEGACY_ATTEMPTS
                            + "', NULL, NULL, 1, 'pending', 0, 0, "
                            + T0.toEpochMilli() + ", " + T0.toEpochMilli() + ", " + T0.toEpochMilli() + ")");
        }

        try (SqliteStore s = SqliteStore.openFile(file, Retention.DEFAULT, InstantSource.system())) {
            assertThat(s.schemaVersion()).isEqualTo(SqliteStore.latestVersion());
            assertThat(s.connectors().loadConnector("shop")).contains("{\"id\":\"shop\"}");
            assertThat(s.credentials().loadCredential("sf", "default", "refresh_token"))
                    .contains("r1");
            assertThat(s.events().recentEvents("shop", 10))
                    .extracting(e -> e.json())
                    .containsExactly("{\"n\":1}");
            assertThat(s.intents().intent("k1")).get().extracting(Intent::state).isEqualTo(IntentState.in_flight);
            assertThat(s.dlq().openEntry("shop", "key-1"))
                    .get()
                    .extracting(DlqEntry::id)
                    .isEqualTo("e1");
            s.dlq().insertEntry(entry("e2", "shop", T0, T0));
            assertThat(s.dlq().entries(new DlqFilter("shop", null, null, 10)))
                    .extracting(DlqEntry::id)
                    .containsExactly("e2", "e1");
            assertThat(s.health().ok()).as("V3's probe table is there").isTrue();
            DlqEntry old = s.dlq().entry("e1").orElseThrow();
            assertThat(old.attempts())
                    .as("schema 1 attempts numbered per call: each restart of the numbers is the next replay")
                    .extracting(a -> a.replay() + "." + a.number())
                    .containsExactly("0.1", "0.2", "1.1", "2.1", "2.2");
            assertThat(old.attemptsOmitted()).as("V4's column, 0 for old rows").isZero();
        }
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + file);
                var rs = c.createStatement()
                        .executeQuery("SELECT version, type FROM flyway_schema_history ORDER BY installed_rank")) {
            var rows = new ArrayList<String>();
            while (rs.next()) rows.add(rs.getString(1) + " " + rs.getString(2));
            assertThat(rows)
                    .as("the old version is Flyway's baseline; only newer scripts ran")
                    .containsExactlyElementsOf(
                            oldVersion == 3 ? List.of("3 BASELINE", "4 SQL") : List.of("2 BASELINE", "3 SQL", "4 SQL"));
        }
        // Opened again: nothing more to do.
        try (SqliteStore s = SqliteStore.openFile(file, Retention.DEFAULT, InstantSource.system())) {
            assertThat(s.dlq().countEntries().get(DlqState.pending)).isEqualTo(2);
        }
    }

    /** Attempts as schema 1 stored them: no replay number, numbered from 1 again in each replay. */
    static final String LEGACY_ATTEMPTS = "["
            + "{\"number\":1,\"at\":\"2025-06-01T12:00:00Z\",\"durationMs\":5,\"status\":503,\"errorClass\":\"server_error\",\"message\":\"HTTP 503\"},"
            + "{\"number\":2,\"at\":\"2025-06-01T12:00:01Z\",\"durationMs\":5,\"status\":503,\"errorClass\":\"server_error\",\"message\":\"HTTP 503\"},"
            + "{\"number\":1,\"at\":\"2025-06-01T12:01:00Z\",\"durationMs\":5,\"status\":0,\"errorClass\":\"timeout\",\"message\":\"slow\"},"
            + "{\"number\":1,\"at\":\"2025-06-01T12:02:00Z\",\"durationMs\":5,\"status\":503,\"errorClass\":\"server_error\",\"message\":\"HTTP 503\"},"
            + "{\"number\":2,\"at\":\"2025-06-01T12:02:01Z\",\"durationMs\":5,\"status\":201,\"errorClass\":null,\"message\":null}]";

    @Test
    void shouldKeepDlqEntriesWhenTheStoreIsClosedAndReopened() {
        try (SqliteStore s = SqliteStore.open(dir)) {
            s.dlq().insertEntry(entry("e1", "shop", T0, T0.plusSeconds(1)));
        }
        try (SqliteStore s = SqliteStore.open(dir)) {
            assertThat(s.dlq().entry("e1"))
                    .get()
                    .usingRecursiveComparison()
                    .isEqualTo(entry("e1", "shop", T0, T0.plusSeconds(1)));
            s.dlq().insertEntry(entry("e2", "shop", T0, T0.plusSeconds(1)));
            assertThat(s.dlq().entries(DlqFilter.ALL))
                    .extracting(DlqEntry::id)
                    .as("insertion order survives")
                    .containsExactly("e2", "e1");
        }
    }

    @Test
    void shouldCreateTheFileAndItsWalReadableByItsOwnerOnlyWhenItCreatesThem() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Path data = dir.resolve("fresh").resolve("data");
        try (SqliteStore s = SqliteStore.open(data)) {
            s.credentials()
                    .saveCredential(
                            "shop", "default", "refresh_token", "rt-secret"); // the WAL and shared memory exist now
            assertThat(Files.getPosixFilePermissions(data))
                    .as("the data folder we created")
                    .isEqualTo(PosixFilePermissions.fromString("rwx------"));
            for (String f :
                    List.of(SqliteStore.FILE_NAME, SqliteStore.FILE_NAME + "-wal", SqliteStore.FILE_NAME + "-shm")) {
                assertThat(data.resolve(f)).exists();
                assertThat(Files.getPosixFilePermissions(data.resolve(f)))
                        .as(f)
                        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            }
        }
    }

    @Test
    void shouldTightenAFileLeftWorldReadableByAnOlderVersion() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        SqliteStore.open(dir).close();
        Path db = dir.resolve(SqliteStore.FILE_NAME);
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));

        SqliteStore.open(dir).close();

        assertThat(Files.getPosixFilePermissions(db)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void shouldPruneABigBacklogInBatchesDownToTheCaps() {
        var retention = Retention.builder().eventRows(1_000).intentRows(500).build();
        try (SqliteStore s = SqliteStore.open(dir.resolve("big"), retention)) {
            int n = SqliteRetention.PRUNE_BATCH * 2 + 123;
            for (int i = 0; i < n; i++) {
                s.events().appendEvent(dev.gauntlet.mesh.store.StoreContract.happened(T0.plusMillis(i), "a", i));
                s.intents()
                        .recordIntent(new Intent(
                                "k" + i,
                                "a",
                                "default",
                                "POST",
                                "/x",
                                Map.of(),
                                new byte[0],
                                null,
                                "op" + i,
                                IntentState.in_flight,
                                T0,
                                T0));
                s.intents().completeIntent("k" + i, IntentState.succeeded, T0.plusMillis(i));
            }

            long removed = s.prune(T0.plusSeconds(60));

            assertThat(removed).isEqualTo((n - 1_000) + (n - 500));
            assertThat(s.events().recentEvents(null, 100_000)).hasSize(1_000);
            assertThat(s.intents().intent("k" + (n - 500))).isPresent();
            assertThat(s.intents().intent("k" + (n - 501))).isEmpty();
            assertThat(s.prune(T0.plusSeconds(60))).as("nothing more to prune").isZero();
        }
    }
}
