package io.spillway.proxy;

import io.netty.channel.EventLoop;
import io.spillway.core.runtime.Service;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One {@link UpstreamPool} per event loop, created the first time a loop needs one. */
final class UpstreamPools {

    /** Idle connections kept per service and event loop. */
    static final int MAX_IDLE_PER_SERVICE = 256;

    private final ConcurrentHashMap<EventLoop, UpstreamPool> pools = new ConcurrentHashMap<>();

    UpstreamPool forLoop(EventLoop loop) {
        UpstreamPool pool = pools.get(loop);
        return pool != null ? pool : pools.computeIfAbsent(loop, l -> new UpstreamPool(l, MAX_IDLE_PER_SERVICE));
    }

    /** Closes, on each loop, idle connections to services that left the graph. */
    void retainOnly(Iterable<Service> services) {
        Set<Service> live = Collections.newSetFromMap(new IdentityHashMap<>());
        services.forEach(live::add);
        pools.values().forEach(p -> p.loop().execute(() -> p.retainOnly(live)));
    }

    void closeAll() {
        pools.values().forEach(p -> {
            if (!p.loop().isShuttingDown()) {
                p.loop().execute(p::closeAll);
            }
        });
    }
}
