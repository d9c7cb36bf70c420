package io.spillway.proxy;

import io.netty.channel.Channel;
import io.spillway.core.runtime.VirtualServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One accepted client connection, whatever it speaks: the route it was accepted with (kept until
 * it closes, P3), the vServer slot it holds, its timer, and the keep-alive pool and connector of its event loop.
 *
 * <p>The slot (SPEC S4-S7) is taken once, by {@link AdmissionHandler}, before any byte is read,
 * and given back by the channel's close future, which completes exactly once whatever closes the
 * connection. A connection refused by a full chain with {@code whenFull: redirect} has no vServer
 * ({@link #vserver()} is null): its first HTTP request is answered with the redirect.
 *
 * <p>Everything of a connection runs on its event loop; the fields set at admission are read
 * there only.
 */
final class ClientConnection {

    /**
     * User event fired down every client pipeline when the appliance stops (SIGTERM): finish what
     * is in flight, then close; take no new request.
     */
    static final Object DRAIN = new Object() {
        @Override
        public String toString() {
            return "Drain";
        }
    };

    private final Channel channel;
    private final Route route;
    private final ClientTimer timer;
    private final UpstreamPool pool;
    private final UpstreamConnector connector;
    private VirtualServer vserver;
    private boolean overClientLimit;
    private InetAddress address;
    private int clientHash;

    ClientConnection(Channel channel, Route route, ClientTimer timer, UpstreamPool pool, UpstreamConnector connector) {
        this.channel = channel;
        this.route = route;
        this.timer = timer;
        this.pool = pool;
        this.connector = connector;
    }

    /** Called once, on the event loop, when the connection becomes active and before admission. */
    void active() {
        InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
        address = remote == null ? null : remote.getAddress();
        clientHash = address == null ? 0 : address.hashCode();
    }

    /**
     * The connection's client holds all the connections {@code limits.perClient} allows: it gets
     * no vServer slot, and its first HTTP request is answered 429.
     */
    void overClientLimit() {
        overClientLimit = true;
    }

    /** Whether the connection was refused by {@code limits.perClient}. */
    boolean isOverClientLimit() {
        return overClientLimit;
    }

    /** The connection holds a slot of {@code vs} until it closes. */
    void admitted(VirtualServer vs) {
        vserver = vs;
        channel.closeFuture().addListener(f -> vs.release());
    }

    Channel channel() {
        return channel;
    }

    Route route() {
        return route;
    }

    ClientTimer timer() {
        return timer;
    }

    UpstreamPool pool() {
        return pool;
    }

    /** Opens connections to services on this connection's event loop. */
    UpstreamConnector connector() {
        return connector;
    }

    /** The vServer whose slot this connection holds; null for a connection to be redirected. */
    VirtualServer vserver() {
        return vserver;
    }

    /** The client's address (null only if the socket closed before it was active). */
    InetAddress address() {
        return address;
    }

    /** The hash that source-IP methods and persistence see for this client. */
    int clientHash() {
        return clientHash;
    }

    /** A fresh run through the vServer's services for one connection or request (failover, S1). */
    ServiceAttempts attempts() {
        return new ServiceAttempts(vserver, clientHash);
    }
}
