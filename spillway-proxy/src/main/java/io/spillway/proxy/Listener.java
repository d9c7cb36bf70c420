package io.spillway.proxy;

import io.netty.channel.Channel;
import io.spillway.core.model.HostPort;

import java.net.InetSocketAddress;

/**
 * One bound listening socket and the route its new connections take. The route is swapped on
 * reload while the socket stays bound (P3).
 */
final class Listener {

    private final HostPort address;
    private volatile Route route;
    private final ClientLimit clientLimit = new ClientLimit();
    private Channel channel;

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

    void bound(Channel serverChannel) {
        this.channel = serverChannel;
    }

    InetSocketAddress boundAddress() {
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
