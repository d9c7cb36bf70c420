package io.spillway.gslb.master;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The master's durable copy of the site table (SPEC G4), one JSON file. A write goes to a
 * temporary file in the same directory, is forced to disk, and replaces the file by an atomic
 * move, so a crash leaves either the old snapshot or the new one, never a torn file. Reading a
 * missing file yields nothing; reading a corrupt one is reported and yields nothing, so a bad
 * file never stops the master from starting. Not thread-safe by itself: {@link SnapshotWriter}
 * calls it from one thread.
 */
final class SnapshotStore implements MasterState {

    private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /** The file's content. */
    public record Snapshot(int format, String master, long writtenAtMillis, List<Entry> entries) {
        public Snapshot {
            entries = entries == null ? List.of() : List.copyOf(entries);
        }
    }

    /** One site: its report, when the master received it, and whether it was itself recovered. */
    public record Entry(SiteReport report, long receivedAtMillis, boolean recovered) {
        public Entry {
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(report.site(), "report.site");
        }
    }

    private final Path file;

    public SnapshotStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    @Override
    public String where() {
        return file.toAbsolutePath().toString();
    }

    /** One entry as stored (also each site's value in etcd). */
    static byte[] json(Entry entry) throws IOException {
        return JSON.writeValueAsBytes(entry);
    }

    /** An entry as stored; fails on anything else. */
    static Entry entry(byte[] json) throws IOException {
        Entry e = JSON.readValue(json, Entry.class);
        if (e == null) {
            throw new IOException("no entry");
        }
        return e;
    }

    @Override
    public void write(String master, Collection<SiteEntry> sites, long nowMillis) throws IOException {
        List<Entry> entries = new ArrayList<>(sites.size());
        for (SiteEntry e : sites) {
            entries.add(new Entry(e.report(), e.receivedAtMillis(), e.recovered()));
        }
        byte[] bytes = JSON.writeValueAsBytes(new Snapshot(FORMAT, master, nowMillis, entries));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The stored entries; empty when there is no file or it cannot be read (logged). */
    @Override
    public List<Entry> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            log.info("no master snapshot at {}: starting empty", file);
            return List.of();
        } catch (IOException e) {
            log.warn("cannot read master snapshot {}: {}; starting empty", file, e.toString());
            return List.of();
        }
        try {
            Snapshot s = JSON.readValue(bytes, Snapshot.class);
            if (s == null || s.format() != FORMAT) {
                log.warn("master snapshot {} has format {}, expected {}; ignoring it", file,
                        s == null ? "none" : s.format(), FORMAT);
                return List.of();
            }
            return s.entries();
        } catch (IOException | RuntimeException e) {
            log.warn("master snapshot {} is corrupt ({}); ignoring it", file, e.getMessage() == null
                    ? e.toString() : e.getMessage().lines().findFirst().orElse(""));
            return List.of();
        }
    }
}
