package io.spillway.gslb.master;

import io.spillway.core.gslb.SiteTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes the master's snapshot (to its file or to etcd) off the event loops (ARCHITECTURE.md, Runtime): table changes
 * only raise a flag; one daemon thread checks it every period and writes the whole table at most
 * once per period, so a storm of reports costs one file write per period. {@link #close()} writes
 * a last time if anything is pending.
 */
final class SnapshotWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SnapshotWriter.class);

    private final MasterState store;
    private final SiteTable table;
    private final String master;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final ScheduledExecutorService executor;
    private volatile long writes;

    SnapshotWriter(MasterState store, SiteTable table, String master, Duration period) {
        this.store = store;
        this.table = table;
        this.master = master;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spillway-master-snapshot");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, period.toMillis());
        executor.scheduleWithFixedDelay(this::writeIfDirty, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Called on any thread (event loops included) when the table changed. */
    public void markDirty() {
        dirty.set(true);
    }

    /** Number of snapshots written so far. */
    public long writes() {
        return writes;
    }

    private void writeIfDirty() {
        if (!dirty.getAndSet(false)) {
            return;
        }
        try {
            store.write(master, table.sites(), table.nowMillis());
            writes++;
        } catch (MasterState.NotActiveException e) {
            log.info("master snapshot not written to {}: {}", store.where(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            dirty.set(true);
            log.warn("cannot write master snapshot {}: {}", store.where(), e.toString());
        }
    }

    /** Stops without a last write (a crash, in tests). */
    void abandon() {
        executor.shutdownNow();
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (executor.awaitTermination(5, TimeUnit.SECONDS)) {
                writeIfDirty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
