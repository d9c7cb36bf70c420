package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.spillway.core.log.AccessAction;
import io.spillway.core.log.AccessLog;
import io.spillway.core.log.AccessRecord;
import io.spillway.core.runtime.Admission;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.proxy.internal.http1.RequestHeadWriter;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One accepted client connection, whatever it speaks: the route it was accepted with (kept until
 * it closes, P3), the vServer slot it holds, its timer, and the keep-alive pool and connector of its event loop.
 *
 * <p>The slot (SPEC S4-S7) is taken once, by {@link AdmissionHandler}, before any byte is read,
 * and given back by the channel's close future, which completes exactly once whatever closes the
 * connection; so are the connection's place in {@code limits.maxConnections} and, when it took
 * one, in {@code limits.perClient}. The connection itself is the one listener on its close future
 * that gives all three back (one object where a listener each would be held by every connection). A connection refused by a full chain with {@code whenFull: redirect} has no vServer
 * ({@link #vserver()} is null): its first HTTP request is answered with the redirect.
 *
 * <p>Everything of a connection runs on its event loop; the fields set at admission are read
 * there only.
 */
final class ClientConnection implements ChannelFutureListener {

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
    private final AccessLog accessLog;
    private final ConnectionBudget budget;
    private ClientLimit clientLimit;
    private Admission admission;
    private boolean closed;
    private boolean overClientLimit;
    private boolean oneRequest;
    private InetAddress address;
    private int clientHash;

    /** {@code budget}: where the connection holds its place, given back when it closes. */
    ClientConnection(Channel channel, Route route, ClientTimer timer, UpstreamPool pool, UpstreamConnector connector,
                     AccessLog accessLog, ConnectionBudget budget) {
        this.channel = channel;
        this.route = route;
        this.timer = timer;
        this.pool = pool;
        this.connector = connector;
        this.accessLog = accessLog;
        this.budget = budget;
        channel.closeFuture().addListener(this);
    }

    /** The connection closed: its places in the appliance's, its client's and its vServer's limits are given back. */
    @Override
    public void operationComplete(ChannelFuture future) {
        closed = true;
        budget.release();
        if (clientLimit != null) {
            clientLimit.release(address);
        }
        VirtualServer vs = vserver();
        if (vs != null) {
            vs.release();
        }
    }

    /** The connection holds one of its client's {@code limits.perClient} connections until it closes. */
    void heldByClientLimit(ClientLimit limit) {
        if (closed) {
            limit.release(address); // closed already: given back at once, as the close would have
        } else {
            clientLimit = limit;
        }
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

    /**
     * HTTP/1.1: the connection closes once its first request is answered, with
     * {@code Connection: close} (a GSLB {@code /go/} request handed over by the resolve endpoint,
     * {@link GoHandoff}, whose next requests would not be {@code /go/} requests rewritten).
     */
    void serveOneRequest() {
        oneRequest = true;
    }

    /** See {@link #serveOneRequest()}. */
    boolean servesOneRequest() {
        return oneRequest;
    }

    /** Whether the connection was refused by {@code limits.perClient}. */
    boolean isOverClientLimit() {
        return overClientLimit;
    }

    /** The chain's answer: the connection holds a slot of its vServer until it closes, or none (redirect). */
    void admitted(Admission a) {
        admission = a;
        VirtualServer vs = a.vserver();
        if (closed && vs != null) {
            vs.release(); // closed already: given back at once, as the close would have
        }
    }

    /** Whether the access log takes records now (it may change on a reload: asked per record). */
    boolean logsAccess() {
        return accessLog.enabled();
    }

    /**
     * One HTTP request or TCP connection is over (SPEC S1 figures, CONTRACT access log): counted
     * on the vServer that served it, and logged when the access log is on. {@code method} and
     * {@code path} are null for TCP; {@code status} 0 when no status was sent.
     */
    void done(long startMillis, long startNanos, String service, String method, String path, int status,
              long bytesIn, long bytesOut, AccessAction action) {
        VirtualServer served = vserver();
        VirtualServer vs = served != null ? served : route.chain().head();
        if (served != null) {
            if (status > 0) {
                vs.recordRequest(status);
            }
            vs.addBytes(bytesIn, bytesOut);
        }
        if (accessLog.enabled()) {
            accessLog.log(new AccessRecord(startMillis, (InetSocketAddress) channel.remoteAddress(), vs.name(),
                    service, route.config().protocol().configName(), method, path, status, bytesIn, bytesOut,
                    (System.nanoTime() - startNanos) / 1_000_000, admission != null && admission.spilled(),
                    admission != null && admission.persisted(), action));
        }
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
        return admission == null ? null : admission.vserver();
    }

    /**
     * The proxy's own answer to every request of a connection that holds no vServer slot: 429
     * over {@code limits.perClient}, else the chain's redirect (S5), else 503; null for an
     * admitted connection. One rule for HTTP/1.1 connections and HTTP/2 streams alike.
     */
    Refusal refusal() {
        if (overClientLimit) {
            return new Refusal(429, "too many connections from this client", null, AccessAction.DROP);
        }
        if (vserver() != null) {
            return null;
        }
        String url = route.chain().redirectUrl();
        return url == null
                ? new Refusal(503, "all virtual servers are full", null, AccessAction.DROP)
                : new Refusal(302, url, url, AccessAction.REDIRECT);
    }

    /** See {@link #refusal()}; {@code location} is null but for a redirect. */
    record Refusal(int status, String detail, String location, AccessAction action) {
    }

    /** How this connection's requests go to services: its address, scheme and listener port. */
    RequestHeadWriter requestHeadWriter() {
        // the listener's address: cached by its channel, where the accepted one's is a system call
        Channel listener = channel.parent() != null ? channel.parent() : channel;
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        return new RequestHeadWriter(address.getHostAddress(), route.serverTls() != null ? "https" : "http", port);
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
        return new ServiceAttempts(vserver(), clientHash);
    }
}
