package io.spillway.app.log;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An append-only file rotated by size, as logrotate's numbered scheme does it: before a line
 * would take the file past {@code maxSize}, {@code path.(keep-1)} becomes {@code path.keep} (the
 * oldest, {@code path.keep}, is deleted), …, {@code path} becomes {@code path.1}, and a new
 * {@code path} is started. With {@code keep} 0 the full file is simply started again. A line is
 * never split across files, so a file exceeds {@code maxSize} only when it holds one line longer
 * than that. Used by one thread (the access log's writer); not thread-safe.
 */
final class RotatingFile implements AutoCloseable {

    private final Path path;
    private long maxSize;
    private int keep;
    private OutputStream out;
    private long size;

    /** Opens {@code path} for appending (creating it and its parent directories), going on from its size. */
    RotatingFile(Path path, long maxSize, int keep) throws IOException {
        this.path = path;
        this.maxSize = maxSize;
        this.keep = keep;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        open();
    }

    Path path() {
        return path;
    }

    /** New limits apply from the next line. */
    void limits(long newMaxSize, int newKeep) {
        this.maxSize = newMaxSize;
        this.keep = newKeep;
    }

    private void open() throws IOException {
        out = new BufferedOutputStream(new FileOutputStream(path.toFile(), true), 64 * 1024);
        size = Files.isRegularFile(path) ? Files.size(path) : 0;
    }

    /** Appends {@code length} bytes of {@code line} (one whole line), rotating first if they would not fit. */
    void write(byte[] line, int length) throws IOException {
        if (size > 0 && size + length > maxSize) {
            rotate();
        }
        out.write(line, 0, length);
        size += length;
    }

    void flush() throws IOException {
        out.flush();
    }

    private void rotate() throws IOException {
        out.close();
        if (keep == 0) {
            Files.deleteIfExists(path);
        } else {
            Files.deleteIfExists(numbered(keep));
            for (int i = keep - 1; i >= 1; i--) {
                Path older = numbered(i);
                if (Files.exists(older)) {
                    Files.move(older, numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(path, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        }
        open();
    }

    private Path numbered(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
