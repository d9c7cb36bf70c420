package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.spillway.core.runtime.Service;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Idle keep-alive HTTP/1.1 connections to services, for one event loop (SPEC S8), and that
 * loop's shared HTTP/2 ones ({@link Http2Upstreams}). Every method runs
 * on that loop, so the pool needs no lock, and a client connection only ever borrows backend
 * connections served by its own thread. Last in, first out: the connection used most recently
 * is the least likely to have been closed by the backend meanwhile.
 */
final class UpstreamPool {

    private final EventLoop loop;
    private final int maxIdlePerService;
    private final Map<Service, ArrayDeque<Channel>> idle = new HashMap<>();
    private final Http2Upstreams http2 = new Http2Upstreams();

    UpstreamPool(EventLoop loop, int maxIdlePerService) {
        this.loop = loop;
        this.maxIdlePerService = maxIdlePerService;
    }

    EventLoop loop() {
        return loop;
    }

    /** This loop's multiplexed connections to HTTP/2 services. */
    Http2Upstreams http2() {
        return http2;
    }

    /** An idle open connection to {@code service}, removed from the pool, or null. */
    Channel poll(Service service) {
        ArrayDeque<Channel> q = idle.get(service);
        if (q == null) {
            return null;
        }
        for (Channel ch = q.pollLast(); ch != null; ch = q.pollLast()) {
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    /** Keeps {@code ch} for reuse, or closes it when the pool for that service is full. */
    void offer(Service service, Channel ch) {
        if (!ch.isActive()) {
            return;
        }
        ArrayDeque<Channel> q = idle.computeIfAbsent(service, s -> new ArrayDeque<>());
        if (q.size() >= maxIdlePerService) {
            ch.close();
            return;
        }
        q.addLast(ch);
    }

    /** Forgets a connection that closed while idle. */
    void remove(Service service, Channel ch) {
        ArrayDeque<Channel> q = idle.get(service);
        if (q != null) {
            q.remove(ch);
        }
    }

    /** Closes the idle connections of services that are no longer in {@code live} (after a reload). */
    void retainOnly(Set<Service> live) {
        for (Iterator<Map.Entry<Service, ArrayDeque<Channel>>> it = idle.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Service, ArrayDeque<Channel>> e = it.next();
            if (!live.contains(e.getKey())) {
                e.getValue().forEach(Channel::close);
                it.remove();
            }
        }
        http2.retainOnly(live);
    }

    void closeAll() {
        idle.values().forEach(q -> q.forEach(Channel::close));
        idle.clear();
        http2.closeAll();
    }
}
