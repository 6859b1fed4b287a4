package dev.gauntlet.mesh.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** A small tmpfs mounted for one test (needs root; the test is skipped when mounting is not permitted). Test support. */
public final class TmpfsMount implements AutoCloseable {

    private final Path dir;

    private TmpfsMount(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} (e.g. "4m") on a fresh folder, or skips the test with the reason. */
    public static TmpfsMount mount(String size) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("gauntlet-tmpfs");
        int code;
        String out;
        try {
            Process p = new ProcessBuilder(
                            "mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString())
                    .redirectErrorStream(true)
                    .start();
            out = new String(p.getInputStream().readAllBytes());
            code = p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException noMount) {
            code = -1;
            out = noMount.toString();
        }
        if (code != 0) Files.deleteIfExists(dir);
        Assumptions.assumeTrue(
                code == 0, "a full disk needs a small tmpfs, and mounting one is not permitted here: " + out.strip());
        return new TmpfsMount(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Fills the file system to the brim with {@code name}; returns the bytes written. */
    public long fill(String name) throws IOException {
        Path f = dir.resolve(name);
        byte[] chunk = new byte[64 * 1024];
        long n = 0;
        try (OutputStream out = Files.newOutputStream(f, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int size = chunk.length; size >= 1; ) {
                try {
                    out.write(chunk, 0, size);
                    out.flush();
                    n += size;
                } catch (IOException full) {
                    size /= 2; // the last bytes too
                }
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("umount", "-l", dir.toString())
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        p.waitFor(20, TimeUnit.SECONDS);
        Files.deleteIfExists(dir);
    }
}
