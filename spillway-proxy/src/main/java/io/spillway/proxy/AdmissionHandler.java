package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.spillway.core.log.AccessAction;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.Admission;
import io.spillway.core.runtime.SpilloverChain;
import io.spillway.core.runtime.VirtualServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
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
 * <p>Peers (D2). When the chain's head names {@code peers}, the listener's {@link PeerRouter} (an
 * attribute of the listening channel, set by {@link ProxyServer#setPeerRouter}) is asked first; a
 * connection it gives to a peer is admitted to the vServer standing for that peer instead, and
 * the head's chain is not asked. A head without peers never looks the router up.
 */
final class AdmissionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AdmissionHandler.class);

    /** On each listening channel: the router of connections to vServers that name peers. */
    static final AttributeKey<AtomicReference<PeerRouter>> PEER_ROUTER = AttributeKey.valueOf("spillway.peerRouter");

    private final ClientConnection connection;
    private final ClientLimit clientLimit;

    AdmissionHandler(ClientConnection connection, ClientLimit clientLimit) {
        this.connection = connection;
        this.clientLimit = clientLimit;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
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
        VirtualServer peer = chain.head().config().peers().isEmpty() ? null : peer(ch, chain, client);
        Admission admission;
        if (peer != null) {
            peer.acquireForced();
            admission = new Admission(peer, false, false);
        } else {
            admission = chain.admitDetailed(client);
        }
        connection.admitted(admission);
        if (!admission.admitted() && (!connection.route().isHttp() || chain.whenFull() != WhenFull.REDIRECT)) {
            long now = System.nanoTime();
            connection.done(System.currentTimeMillis(), now, null, null, null, 0, 0, 0, AccessAction.DROP);
            ch.close();
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
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
    private static VirtualServer peer(Channel ch, SpilloverChain chain, InetAddress client) {
        Channel listener = ch.parent();
        AtomicReference<PeerRouter> slot = listener == null ? null : listener.attr(PEER_ROUTER).get();
        PeerRouter router = slot == null ? null : slot.get();
        if (router == null) {
            return null;
        }
        try {
            return router.route(chain.head(), client);
        } catch (RuntimeException e) {
            // a failing router must not cost the client its connection: serve it here
            log.warn("peer routing for vserver {} failed; serving locally", chain.head().name(), e);
            return null;
        }
    }
}
