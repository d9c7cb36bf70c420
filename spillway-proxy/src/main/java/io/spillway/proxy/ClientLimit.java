package io.spillway.proxy;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code vservers[].limits.perClient}: how many connections one client address may hold at once
 * on a listener. Counts live in a concurrent map keyed by address, created by a client's first
 * connection and removed with its last, so the map holds only clients that are connected; the
 * count of one address is taken and given back with compare-and-set, exactly, by connections
 * racing on different event loops. A connection over the limit is refused and counted.
 */
final class ClientLimit {

    private final ConcurrentHashMap<InetAddress, AtomicInteger> held = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();

    /** Takes one of {@code client}'s {@code limit} connections; false (counted) when it holds them all. */
    boolean tryAcquire(InetAddress client, int limit) {
        while (true) {
            AtomicInteger n = held.computeIfAbsent(client, c -> new AtomicInteger());
            int now = n.get();
            if (now >= limit) {
                refused.increment();
                return false;
            }
            if (now < 0) {
                continue; // being removed by the client's last release: take a fresh counter
            }
            if (n.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives back a connection taken by {@link #tryAcquire}. */
    void release(InetAddress client) {
        AtomicInteger n = held.get(client);
        if (n != null && n.decrementAndGet() == 0 && n.compareAndSet(0, -1)) {
            held.remove(client, n);
        }
    }

    /** Connections refused since the listener was bound. */
    long refused() {
        return refused.sum();
    }

    /** Client addresses holding connections now. */
    int clients() {
        return held.size();
    }
}
