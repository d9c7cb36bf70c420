package io.spillway.proxy;

import io.spillway.core.runtime.Service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP/2 connections of one event loop to {@code h2c} and {@code h2} services (SPEC S8),
 * next to that loop's {@link UpstreamPool} of HTTP/1.1 ones, and like it used without a lock.
 *
 * <p>Requests are multiplexed: a stream goes on the first connection to its service that takes
 * more streams ({@link Http2ServiceConnection#takesStreams}), and a new connection is opened
 * only when none does, so a loop holds as few connections per service as its concurrent
 * requests need (one per {@link Http2ServiceConnection#MAX_STREAMS} streams, or per the
 * service's own limit when lower). A request sent again after it met a dead connection asks
 * for a fresh one.
 */
final class Http2Upstreams {

    private final Map<Service, List<Http2ServiceConnection>> connections = new HashMap<>();

    /** Opens a leg to {@code service} for {@code exchange}; see {@link ServerLegs#open}. */
    void open(ClientConnection connection, Service service, boolean pooled, ProxiedExchange exchange) {
        List<Http2ServiceConnection> list = connections.computeIfAbsent(service, s -> new ArrayList<>(2));
        if (pooled) {
            for (Http2ServiceConnection c : list) {
                if (c.takesStreams()) {
                    c.open(exchange);
                    return;
                }
            }
        }
        list.add(Http2ServiceConnection.connect(connection, service, this, exchange));
    }

    /** {@code c} takes no more streams (closed, failed or told to go away). */
    void remove(Service service, Http2ServiceConnection c) {
        List<Http2ServiceConnection> list = connections.get(service);
        if (list != null) {
            list.remove(c);
        }
    }

    int connectionCount(Service service) {
        List<Http2ServiceConnection> list = connections.get(service);
        return list == null ? 0 : list.size();
    }

    /** Forgets the connections of services no longer in {@code live}; their streams in flight finish. */
    void retainOnly(Set<Service> live) {
        for (Iterator<Map.Entry<Service, List<Http2ServiceConnection>>> it = connections.entrySet().iterator(); it.hasNext(); ) {
            if (!live.contains(it.next().getKey())) {
                it.remove();
            }
        }
    }

    void closeAll() {
        connections.values().forEach(list -> List.copyOf(list).forEach(Http2ServiceConnection::close));
        connections.clear();
    }
}
