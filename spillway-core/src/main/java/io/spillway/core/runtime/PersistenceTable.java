package io.spillway.core.runtime;

import io.spillway.core.internal.select.AffinityTable;
import io.spillway.core.internal.select.CoarseClock;

import java.net.InetAddress;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Spillover persistence (SPEC S6): which vServer of a chain last served a client, keyed by the
 * client address under the chain's {@code persistenceMask} (IPv6 clients: the mask plus 96, at
 * most 128), bounded by {@code persistenceMaxEntries} and expiring {@code persistence} after the
 * client's last connection. The table is the appliance's {@link AffinityTable}: lock-free,
 * allocation-free lookups, least-recently-used eviction within a bucket; it starts no thread
 * beyond the shared {@link CoarseClock}.
 *
 * <p>A vServer is remembered by name, not by object: a reload (P3) that rebuilds vServers of the
 * chain hands the same table to the new chain, and a pinned client then finds the vServer of the
 * same name in the new graph, not the replaced object.
 */
public final class PersistenceTable {

    private final AffinityTable<String> entries;

    /** @param nanoClock nanoseconds on any origin (tests pass a hand-driven one) */
    public PersistenceTable(Duration timeout, int ipv4Mask, long maxEntries, LongSupplier nanoClock) {
        this.entries = new AffinityTable<>(timeout, ipv4Mask, Math.min(128, ipv4Mask + 96), maxEntries, nanoClock);
    }

    public PersistenceTable(Duration timeout, int ipv4Mask, long maxEntries) {
        this(timeout, ipv4Mask, maxEntries, CoarseClock.system());
    }

    /** The name of the vServer this client is pinned to, or null; a hit restarts the timeout. */
    public String get(InetAddress client) {
        return entries.get(client);
    }

    /** Pins the client to the named vServer. */
    public void put(InetAddress client, String vserver) {
        entries.put(client, vserver);
    }

    public void remove(InetAddress client) {
        entries.remove(client);
    }

    /** Pinned clients (a scan of the table). */
    public long size() {
        return entries.size();
    }
}
