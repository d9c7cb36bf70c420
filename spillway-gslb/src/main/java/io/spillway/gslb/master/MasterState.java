package io.spillway.gslb.master;

import io.spillway.core.gslb.SiteEntry;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * Where the master keeps its durable picture of the hierarchy (SPEC G4): a file
 * ({@link SnapshotStore}, {@code gslb.exchange.snapshotFile}) or etcd ({@link EtcdState},
 * {@code gslb.exchange.etcd}, issue 12). Written by one {@link SnapshotWriter} thread.
 */
interface MasterState {

    /** The stored entries; a store that can be read but holds nothing yields an empty list. */
    List<SnapshotStore.Entry> read() throws IOException;

    /** Replaces the stored picture with {@code sites}. */
    void write(String master, Collection<SiteEntry> sites, long nowMillis) throws IOException;

    /** Where the state lives, for logs. */
    String where();

    /** A write refused because this master is no longer the active one: not to be retried. */
    final class NotActiveException extends IOException {
        NotActiveException(String message) {
            super(message);
        }
    }
}
