package io.spillway.core.runtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Spillover persistence (SPEC S6): which vServer of a chain last served a client, keyed by the
 * client address under a prefix mask. Bounded in size and expiring a fixed time after the
 * client's last connection, both by Caffeine. Maintenance runs on the calling thread, so the
 * table starts no threads of its own.
 *
 * <p>A vServer is remembered by name, not by object: a reload (P3) that rebuilds vServers of the
 * chain hands the same table to the new chain, and a pinned client then finds the vServer of the
 * same name in the new graph, not the replaced object.
 *
 * <p>With a full mask the {@link InetAddress} the transport already holds is the key, so a
 * lookup allocates nothing; a shorter mask builds a small masked key.
 */
public final class PersistenceTable {

    private final Cache<Object, String> entries;
    private final int ipv4Mask;
    private final int ipv6Mask;

    public PersistenceTable(Duration timeout, int ipv4Mask, long maxEntries, Ticker ticker) {
        this.ipv4Mask = ipv4Mask;
        this.ipv6Mask = Math.min(128, ipv4Mask + 96);
        this.entries = Caffeine.newBuilder()
                .expireAfterAccess(timeout)
                .maximumSize(maxEntries)
                .executor(Runnable::run)
                .ticker(ticker)
                .build();
    }

    public PersistenceTable(Duration timeout, int ipv4Mask, long maxEntries) {
        this(timeout, ipv4Mask, maxEntries, Ticker.systemTicker());
    }

    /** The name of the vServer this client is pinned to, or null; a hit restarts the timeout. */
    public String get(InetAddress client) {
        return entries.getIfPresent(key(client));
    }

    /** Pins the client to the named vServer. */
    public void put(InetAddress client, String vserver) {
        Object key = key(client);
        if (!vserver.equals(entries.getIfPresent(key))) {
            entries.put(key, vserver);
        }
    }

    public void remove(InetAddress client) {
        entries.invalidate(key(client));
    }

    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    Object key(InetAddress client) {
        if (client instanceof Inet4Address) {
            if (ipv4Mask >= 32) {
                return client;
            }
            int a = client.hashCode(); // Inet4Address: the address itself, no copy
            return a & (ipv4Mask == 0 ? 0 : -1 << (32 - ipv4Mask));
        }
        if (ipv6Mask >= 128) {
            return client;
        }
        byte[] bytes = client.getAddress();
        for (int bit = ipv6Mask; bit < 128; bit++) {
            bytes[bit >> 3] &= (byte) ~(0x80 >> (bit & 7));
        }
        return ByteBuffer.wrap(bytes);
    }
}
