package io.spillway.core.gslb.select;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.net.InetAddress;
import java.time.Duration;

/**
 * GSLB persistence (SPEC G7): the site that last served a client for one domain, keyed by the
 * client's address (for a DNS query carrying EDNS Client Subnet, the subnet's address, so a
 * whole subnet sticks together). Bounded in size and expiring a fixed time after the client's
 * last resolution, by Caffeine; maintenance runs on the calling thread.
 */
final class SitePersistence {

    private final Cache<InetAddress, String> sites;

    SitePersistence(Duration timeout, long maxEntries, Ticker ticker) {
        this.sites = Caffeine.newBuilder()
                .expireAfterAccess(timeout)
                .maximumSize(maxEntries)
                .executor(Runnable::run)
                .ticker(ticker)
                .build();
    }

    /** The site this client is pinned to, or null; a hit restarts the timeout. */
    String get(InetAddress client) {
        return sites.getIfPresent(client);
    }

    void put(InetAddress client, String site) {
        if (!site.equals(sites.getIfPresent(client))) {
            sites.put(client, site);
        }
    }

    void remove(InetAddress client) {
        sites.invalidate(client);
    }

    long size() {
        sites.cleanUp();
        return sites.estimatedSize();
    }
}
