package dev.gauntlet.farm.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of JSON lines, one per event, written as the event happens: each {@link #append} is one
 * write(2) of one line, made before the caller goes on (for the ledger: before the write's answer is sent), so a
 * killed process loses nothing it answered - the bytes are in the operating system's page cache. {@link #sync}
 * (called by the farm once a second and at close) forces them to the disk, so a machine that loses power loses at most
 * the last second. Measured at about 3 µs per event on the request thread (docs/farm.md, "What a restart keeps").
 * A line torn by a crash mid-write is skipped on reading; everything before it is kept.
 */
public final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private FileChannel channel;
    private volatile boolean dirty;
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private Journal(Path file, FileChannel channel, long lines) {
        this.file = file;
        this.channel = channel;
        this.lines.set(lines);
    }

    /** Opens (creating it and its folder when absent) a journal file for appending. */
    public static Journal open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            long existing = Files.exists(file) ? countLines(file) : 0;
            return new Journal(file, appendChannel(file), existing);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** Lines written since the file was last rewritten (or opened with that many). */
    public long lines() {
        return lines.get();
    }

    /** Appends that failed (a full disk): the events stay in memory, the file misses them. */
    public long failures() {
        return failures.get();
    }

    /** Every event in the file, oldest first; a torn or unreadable line (a crash mid-write) is skipped and said in the log. */
    public List<JsonNode> read() {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) continue;
                try {
                    out.add(JSON.readTree(line));
                } catch (IOException e) {
                    LOG.warn(
                            "{} line {} is not a whole event (torn by a crash?), skipped: {}",
                            file,
                            number,
                            e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Writes one event as one line; a failure (a full disk) is logged and counted, never thrown at the caller. */
    public synchronized void append(Map<String, Object> event) {
        try {
            byte[] json = JSON.writeValueAsBytes(event);
            ByteBuffer buf = ByteBuffer.allocate(json.length + 1)
                    .put(json)
                    .put((byte) '\n')
                    .flip();
            while (buf.hasRemaining()) channel.write(buf);
            lines.incrementAndGet();
            dirty = true;
        } catch (IOException e) {
            if (failures.getAndIncrement() % 1000 == 0)
                LOG.error("cannot append to {} ({} failures so far): {}", file, failures.get(), e.toString());
        }
    }

    /** Replaces the whole file with these events (a compaction, or empty for a reset), atomically. */
    public synchronized void rewrite(List<Map<String, Object>> events) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            var buf = new ByteArrayOutputStream(64 * 1024);
            for (Map<String, Object> e : events) {
                buf.write(JSON.writeValueAsBytes(e));
                buf.write('\n');
                if (buf.size() > 1 << 20) {
                    out.write(ByteBuffer.wrap(buf.toByteArray()));
                    buf.reset();
                }
            }
            out.write(ByteBuffer.wrap(buf.toByteArray()));
            out.force(true);
            channel.close();
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            channel = appendChannel(file);
            lines.set(events.size());
            dirty = false;
        } catch (IOException e) {
            failures.incrementAndGet();
            LOG.error("cannot rewrite {}: {}", file, e.toString());
            try {
                if (!channel.isOpen()) channel = appendChannel(file);
            } catch (IOException again) {
                LOG.error("cannot reopen {}: {}", file, again.toString());
            }
        }
    }

    /** Forces what was written to the disk (when anything was). */
    public void sync() {
        if (!dirty) return;
        dirty = false;
        try {
            FileChannel c;
            synchronized (this) {
                c = channel;
            }
            c.force(false);
        } catch (IOException e) {
            LOG.warn("cannot sync {}: {}", file, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            LOG.warn("cannot close {}: {}", file, e.toString());
        }
    }

    private static FileChannel appendChannel(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private static long countLines(Path file) throws IOException {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.count();
        } catch (UncheckedIOException e) {
            // Malformed UTF-8 (a torn line): count bytes of newlines instead.
            long n = 0;
            for (byte b : Files.readAllBytes(file)) if (b == '\n') n++;
            return n;
        }
    }
}
