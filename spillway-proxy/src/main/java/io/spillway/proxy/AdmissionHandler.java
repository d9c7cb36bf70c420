package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.SpilloverChain;
import io.spillway.core.runtime.VirtualServer;

import java.net.InetSocketAddress;

/**
 * Admission of a new client connection (SPEC S4-S7), first in every client pipeline: on the
 * accepting event loop, in {@code channelActive}, before any byte is read or a TLS handshake
 * starts, it asks the chain for a vServer slot. The slot is given back by the channel's close
 * future, which completes exactly once whatever closes the connection.
 *
 * <p>When the chain is full and the head says {@code drop}, or the listener cannot answer with
 * an HTTP redirect (tcp, tls-tcp), the connection is closed here. An HTTP connection refused with
 * {@code redirect} goes on without an {@link #ADMITTED} vServer: the HTTP handler reads the request
 * and answers 302.
 */
final class AdmissionHandler extends ChannelInboundHandlerAdapter {

    /** The vServer holding this connection's slot; absent when the connection is to be redirected. */
    static final AttributeKey<VirtualServer> ADMITTED = AttributeKey.valueOf("spillway.admitted");

    private final SpilloverChain chain;
    private final boolean canRedirect;

    AdmissionHandler(SpilloverChain chain, boolean canRedirect) {
        this.chain = chain;
        this.canRedirect = canRedirect;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
        VirtualServer vs = chain.admit(remote == null ? null : remote.getAddress());
        if (vs != null) {
            ch.attr(ADMITTED).set(vs);
            ch.closeFuture().addListener(f -> vs.release());
        } else if (!canRedirect || chain.whenFull() != WhenFull.REDIRECT) {
            ch.close();
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }
}
