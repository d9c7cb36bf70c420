package io.spillway.app.log;

import io.netty.util.internal.PlatformDependent;
import io.spillway.core.log.AccessLog;
import io.spillway.core.log.AccessRecord;
import io.spillway.core.model.LoggingConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The appliance's access log: records handed over by the event loops, written as JSON lines to
 * {@code logging.access.path} by one thread of its own, the file rotated by size.
 *
 * <p><b>The event loop never waits.</b> {@link #log} is one {@code offer} on a bounded
 * multi-producer single-consumer array queue (Netty's {@code MpscArrayQueue}, the queue its own
 * event loops take tasks from): a compare-and-set on the producer index and a store, no lock, no
 * allocation beyond the record the caller built. When the queue is full, because the disk is
 * slow or stuck, the record is dropped and counted ({@link #dropped()}, exported as
 * {@code spillway_access_log_dropped_total}); the proxy's latency never depends on the disk. The
 * queue's capacity is rounded up to a power of two.
 *
 * <p><b>The writer is not woken per record.</b> Waking a parked thread costs a system call,
 * which the event loop would pay on every request. Instead the writer drains everything queued,
 * writes it through a buffered stream, flushes once the queue is empty, and parks for a pause that
 * starts at 1 ms and doubles, up to 50 ms, while nothing arrives. Under load it drains large
 * batches without ever sleeping long; idle, it wakes twenty times a second. A record therefore
 * reaches the file at most about 50 ms after it was logged.
 *
 * <p><b>Reload.</b> {@link #configure} may change the file at any time: the writer applies it
 * between batches, closing the old file and opening the new one when the path changed (new
 * limits on the same path apply to the next line). Records queued when the access log is turned
 * off are discarded. An I/O error is logged once, the records that cannot be written are counted
 * as dropped, and the file is opened again a second later.
 */
public final class AccessLogWriter implements AccessLog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AccessLogWriter.class);

    /** Records that may wait for the disk: a few seconds of a busy appliance. */
    public static final int DEFAULT_CAPACITY = 64 * 1024;
    private static final long MIN_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Queue<AccessRecord> queue;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final Thread thread;

    private volatile LoggingConfig.Access wanted;
    private volatile boolean closed;

    // writer thread only
    private final AccessRecordJson json = new AccessRecordJson();
    private RotatingFile file;
    private LoggingConfig.Access applied;
    private long retryAt;

    public AccessLogWriter() {
        this(DEFAULT_CAPACITY);
    }

    /** A writer whose queue holds {@code capacity} records (rounded up to a power of two). */
    public AccessLogWriter(int capacity) {
        this.queue = PlatformDependent.newFixedMpscQueue(capacity);
        this.thread = new Thread(this::run, "spillway-access-log");
        this.thread.setDaemon(true);
    }

    /**
     * Writes to {@code access} from now on; null turns the access log off. The writer thread
     * starts with the first access log configured.
     */
    public synchronized void configure(LoggingConfig.Access access) {
        if (closed) {
            return;
        }
        wanted = access;
        if (access != null && thread.getState() == Thread.State.NEW) {
            thread.start();
        }
        LockSupport.unpark(thread);
    }

    @Override
    public boolean enabled() {
        return wanted != null && !closed;
    }

    @Override
    public void log(AccessRecord record) {
        if (wanted == null || closed) {
            return;
        }
        if (!queue.offer(record)) {
            dropped.increment();
        }
    }

    /** Records dropped because the queue was full or the file could not be written. */
    public long dropped() {
        return dropped.sum();
    }

    /** Records written to the file. */
    public long written() {
        return written.sum();
    }

    private void run() {
        long park = MIN_PARK_NANOS;
        while (!closed) {
            applyConfiguration();
            if (drain()) {
                park = MIN_PARK_NANOS;
            } else {
                LockSupport.parkNanos(this, park);
                park = Math.min(MAX_PARK_NANOS, park * 2);
            }
        }
        applyConfiguration();
        drain();
        closeFile();
    }

    /** Opens, reopens or closes the file as {@link #wanted} says. */
    private void applyConfiguration() {
        LoggingConfig.Access target = closed ? applied : wanted;
        if (target == null) {
            closeFile();
            applied = null;
            return;
        }
        if (file != null && applied != null && applied.path().equals(target.path())) {
            file.limits(target.maxSize(), target.keep());
            applied = target;
            return;
        }
        if (file != null) {
            closeFile();
        } else if (applied != null && applied.equals(target) && System.nanoTime() - retryAt < 0) {
            return; // the last attempt failed: wait before the next one
        }
        applied = target;
        try {
            file = new RotatingFile(Path.of(target.path()), target.maxSize(), target.keep());
            log.info("event=access_log_opened path={}", file.path().toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            fail("open", e);
        }
    }

    /** Writes every queued record; true if there was any. */
    private boolean drain() {
        AccessRecord r = queue.poll();
        if (r == null) {
            return false;
        }
        for (; r != null; r = queue.poll()) {
            if (file == null) {
                dropped.increment();
                continue;
            }
            try {
                AccessRecordJson.Buffer line = json.encode(r);
                file.write(line.array(), line.length());
                written.increment();
            } catch (IOException | RuntimeException e) {
                dropped.increment();
                fail("write", e);
            }
        }
        if (file != null) {
            try {
                file.flush();
            } catch (IOException e) {
                fail("flush", e);
            }
        }
        return true;
    }

    private void fail(String what, Exception e) {
        log.warn("event=access_log_failed action={} path={} error=\"{}\"; records are dropped until it can be"
                + " opened again", what, applied == null ? null : applied.path(), e.toString());
        closeFile();
        retryAt = System.nanoTime() + RETRY_NANOS;
    }

    private void closeFile() {
        if (file == null) {
            return;
        }
        RotatingFile f = file;
        file = null;
        try {
            f.close();
        } catch (IOException e) {
            log.warn("event=access_log_close_failed path={} error=\"{}\"", f.path(), e.toString());
        }
    }

    /** Writes what is queued, closes the file and stops the writer thread. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (thread.getState() == Thread.State.NEW) {
                return;
            }
        }
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
