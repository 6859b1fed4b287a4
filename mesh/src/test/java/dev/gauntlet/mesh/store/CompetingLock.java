package dev.gauntlet.mesh.store;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Another process holding a SQLite file's write lock ({@code BEGIN EXCLUSIVE}) until closed: the {@code sqlite3}
 * command-line shell when installed, else a child JVM running {@link #main} with sqlite-jdbc. Test support.
 */
public final class CompetingLock implements AutoCloseable {

    private final Process process;
    private final OutputStream stdin;

    private CompetingLock(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
    }

    /** Starts the other process and returns once the file's write lock is held by it. */
    public static CompetingLock take(Path db) throws IOException {
        ProcessBuilder pb = sqlite3() != null
                ? new ProcessBuilder(sqlite3(), db.toString())
                : new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        CompetingLock.class.getName(),
                        db.toString());
        Process p = pb.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        CompetingLock lock = new CompetingLock(p);
        lock.stdin.write("PRAGMA busy_timeout=5000;\nBEGIN EXCLUSIVE;\n".getBytes(StandardCharsets.UTF_8));
        lock.stdin.flush();
        try {
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> lockedNow(db) || !p.isAlive());
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        if (!p.isAlive()) throw new IllegalStateException("the locking process ended with " + p.exitValue());
        return lock;
    }

    /** Where the sqlite3 shell is, or null. */
    public static String sqlite3() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "sqlite3");
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    /** Whether another connection holds the write lock now: a write transaction cannot begin without waiting. */
    public static boolean lockedNow(Path db) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=0");
            s.execute("BEGIN IMMEDIATE");
            s.execute("ROLLBACK");
            return false;
        } catch (SQLException e) {
            return true;
        }
    }

    /** Lets go of the lock and waits for the process to end. */
    @Override
    public void close() {
        try {
            stdin.write("ROLLBACK;\n.quit\n".getBytes(StandardCharsets.UTF_8));
            stdin.close();
        } catch (IOException gone) {
            // ended already
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS))
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The child JVM: runs the statements it reads until {@code ROLLBACK;} or the end of its input. */
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
                Statement s = c.createStatement();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String sql = line.strip();
                if (sql.isEmpty() || sql.startsWith(".")) continue;
                s.execute(sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql);
                if (sql.equalsIgnoreCase("ROLLBACK;")) return;
            }
        }
    }
}
