package io.spillway.proxy;

import io.netty.channel.Channel;
import io.spillway.core.model.HostPort;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * One listening address and the route its new connections take. The route is swapped on reload
 * while the address stays bound (P3). The address is bound by one socket, or on epoll by one
 * socket per event loop ({@link io.spillway.transport.Transport#listenerBootstraps}).
 */
final class Listener {

    private final HostPort address;
    private volatile Route route;
    private final ClientLimit clientLimit = new ClientLimit();
    private List<Channel> channels = List.of();

    Listener(HostPort address, Route route) {
        this.address = address;
        this.route = route;
    }

    HostPort address() {
        return address;
    }

    Route route() {
        return route;
    }

    /** The connections each client address holds on this listener ({@code limits.perClient}); kept across reloads. */
    ClientLimit clientLimit() {
        return clientLimit;
    }

    void route(Route next) {
        this.route = next;
    }

    /** The sockets bound to the address, all on one port. */
    void bound(List<Channel> serverChannels) {
        this.channels = List.copyOf(serverChannels);
    }

    InetSocketAddress boundAddress() {
        return channels.isEmpty() ? null : (InetSocketAddress) channels.get(0).localAddress();
    }

    void close() {
        channels.forEach(ch -> ch.close().syncUninterruptibly());
    }
}
