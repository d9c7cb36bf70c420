package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.log.AccessAction;
import io.spillway.core.log.RateLimitedLog;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.Admission;
import io.spillway.core.runtime.PeerSharing;
import io.spillway.core.runtime.SpilloverChain;
import io.spillway.core.runtime.VirtualServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Admission of a new client connection (SPEC S4-S7), first in every client pipeline: on the
 * accepting event loop, in {@code channelActive}, before any byte is read or a TLS handshake
 * starts, it asks the chain for a vServer slot and gives it to the {@link ClientConnection},
 * which holds it until the channel closes.
 *
 * <p>When the chain is full and the head says {@code drop}, or the listener cannot answer with
 * an HTTP redirect (tcp, tls-tcp), the connection is closed here. An HTTP connection refused with
 * {@code redirect} goes on without a vServer: the HTTP handler reads the request and answers 302.
 *
 * <p>Per client ({@code limits.perClient}). Before the chain is asked, the client's address must
 * hold fewer connections on this listener than the limit; one over it takes no vServer slot and
 * is closed (tcp) or answered 429 (http), and counted by the listener's {@link ClientLimit}.
 *
 * <p>Peers (D2). When the chain's head shares connections with peer sites
 * ({@link VirtualServer#peers()}), its {@link PeerSharing} is asked first; a connection it gives
 * to a peer is admitted, above any threshold, to the vServer standing for that peer instead, and
 * the head's chain is not asked. Should the sharing fail, the connection is served here.
 *
 * <p>GSLB proxy mode (G6). A head with {@code gslb: {domain}} has no services and no chain of its
 * own: the proxy's {@link GslbRouter} chooses the branch, possibly later, and the connection
 * is admitted to the vServer standing for it, as for a peer. While the choice is on its way,
 * what arrives is held here, and once too much is held the channel stops reading through
 * {@link ReadGate#holdUntilGate}, the one way a connection stops reading before its handlers'
 * gate exists.
 *
 * <p>A failing router or sharing is logged through a {@link RateLimitedLog}: clients trigger
 * it, one line per connection would flood the log.
 */
final class AdmissionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AdmissionHandler.class);
    private static final RateLimitedLog peerFailureLog = RateLimitedLog.of(log, "failed peer sharing decisions");
    private static final RateLimitedLog gslbFailureLog = RateLimitedLog.of(log, "failed GSLB routing decisions");

    private final ClientConnection connection;
    private final ClientLimit clientLimit;
    /** G6: the proxy's router of connections to vServers with {@code gslb}; holds null while none is set. */
    private final AtomicReference<GslbRouter> gslbRouter;
    /** G6: what the client's channel delivered while the choice was on its way; null when not waiting. */
    private List<Object> held;
    private long heldBytes;

    /** G6: bytes held while the choice is on its way before the channel stops reading. */
    static final int MAX_HELD_BYTES = 64 * 1024;

    AdmissionHandler(ClientConnection connection, ClientLimit clientLimit, AtomicReference<GslbRouter> gslbRouter) {
        this.connection = connection;
        this.clientLimit = clientLimit;
        this.gslbRouter = gslbRouter;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connection.active();
        SpilloverChain chain = connection.route().chain();
        InetAddress client = connection.address();
        int perClient = connection.route().config().limits().perClient();
        if (perClient > 0 && client != null) {
            if (!clientLimit.tryAcquire(client, perClient)) {
                refuseOverClientLimit(ctx);
                return;
            }
            connection.heldByClientLimit(clientLimit);
        }
        if (chain.head().config().gslb() != null) {
            routeByGslb(ctx, chain.head(), client);
            return;
        }
        PeerSharing peers = chain.head().peers();
        VirtualServer peer = peers == null ? null : peer(chain.head(), peers, client);
        if (peer != null) {
            peer.acquireForced();
            admit(ctx, new Admission(peer, false, false));
        } else {
            admit(ctx, chain.admitDetailed(client));
        }
    }

    /** Gives the connection its admission; one refused is closed here unless its HTTP handler answers it. */
    private void admit(ChannelHandlerContext ctx, Admission admission) {
        Channel ch = ctx.channel();
        connection.admitted(admission);
        if (!admission.admitted() && (!connection.route().isHttp()
                || connection.route().chain().whenFull() != WhenFull.REDIRECT)) {
            long now = System.nanoTime();
            connection.done(System.currentTimeMillis(), now, null, null, null, 0, 0, 0, AccessAction.DROP);
            ch.close();
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
        List<Object> arrived = held;
        held = null;
        if (arrived != null && !arrived.isEmpty()) {
            // what came while the choice was on its way, in the order the channel delivers it
            boolean read = false;
            for (Object o : arrived) {
                if (o instanceof ByteBuf) {
                    ctx.fireChannelRead(o);
                    read = true;
                }
            }
            if (read) {
                ctx.fireChannelReadComplete();
            }
            for (Object o : arrived) {
                if (!(o instanceof ByteBuf)) {
                    ctx.fireUserEventTriggered(o);
                }
            }
        }
    }

    /**
     * While a G6 choice is on its way, what the client sends (its request head, typically) and
     * the end of its input are held here, up to {@link #MAX_HELD_BYTES} before the channel stops
     * reading, and given to the handlers after admission, in order, once they are active: the
     * bytes, the end of the read, then the events that followed it (a FIN with half-closure).
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (held != null) {
            held.add(msg);
            heldBytes += msg instanceof ByteBuf b ? b.readableBytes() : 0;
            if (heldBytes >= MAX_HELD_BYTES) {
                ReadGate.holdUntilGate(ctx.channel()); // the handlers after admission read on
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (held == null) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (held != null) {
            held.add(evt);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        List<Object> arrived = held;
        held = null;
        if (arrived != null) {
            arrived.forEach(ReferenceCountUtil::release);
        }
        ctx.fireChannelInactive();
    }

    /**
     * G6: the connection goes to the branch the proxy's {@link GslbRouter} chooses. While the
     * choice is on its way (a branch asks its aggregator), what arrives is held (see
     * {@link #channelRead}); tcp and tls-tcp connections read nothing before their relay is
     * connected anyway. With no branch chosen the connection holds the head itself, which has no
     * services: an HTTP request is answered 503, a TCP connection closed.
     */
    private void routeByGslb(ChannelHandlerContext ctx, VirtualServer head, InetAddress client) {
        Channel ch = ctx.channel();
        GslbRouter router = gslbRouter.get();
        CompletableFuture<VirtualServer> chosen;
        try {
            chosen = router == null ? CompletableFuture.completedFuture(null) : router.route(head, client);
        } catch (RuntimeException e) {
            gslbFailureLog.warn("GSLB routing for vserver {} failed", head.name(), e);
            chosen = CompletableFuture.completedFuture(null);
        }
        if (!chosen.isDone()) {
            held = new ArrayList<>(2);
            heldBytes = 0;
        }
        chosen.whenComplete((branch, failure) -> {
            if (failure != null) {
                log.debug("GSLB routing for vserver {} failed", head.name(), failure);
            }
            VirtualServer to = failure == null && branch != null ? branch : head;
            if (ch.eventLoop().inEventLoop()) {
                admitForced(ctx, to);
            } else {
                ch.eventLoop().execute(() -> admitForced(ctx, to));
            }
        });
    }

    /** Admits to {@code vs} above any threshold, unless the client left meanwhile. */
    private void admitForced(ChannelHandlerContext ctx, VirtualServer vs) {
        if (!ctx.channel().isActive()) {
            return; // nothing taken yet; the close gave back the rest
        }
        vs.acquireForced();
        admit(ctx, new Admission(vs, false, false));
    }

    /** tcp: closed at once; http: the request is read and answered 429 without a vServer slot. */
    private void refuseOverClientLimit(ChannelHandlerContext ctx) {
        if (!connection.route().isHttp()) {
            ctx.channel().close();
            return;
        }
        connection.overClientLimit();
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    /** The vServer standing for the peer that takes this connection, or null to serve it here. */
    private static VirtualServer peer(VirtualServer head, PeerSharing peers, InetAddress client) {
        try {
            return peers.route(client);
        } catch (RuntimeException e) {
            // a failing decision must not cost the client its connection: serve it here
            peerFailureLog.warn("peer sharing for vserver {} failed; serving locally", head.name(), e);
            return null;
        }
    }
}
