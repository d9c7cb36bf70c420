package io.spillway.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.runtime.LoadBalancer;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;

import java.net.InetSocketAddress;

/**
 * The client side of a TCP relay (tcp and tls-tcp vServers, SPEC S1/S8): bytes go through
 * untouched, in both directions, as in Netty's HexDumpProxy.
 *
 * <pre>
 *   client ──read──► TcpRelayHandler ──write──► backend
 *   client ◄─write── TcpBackendHandler ◄─read── backend
 * </pre>
 *
 * <p>Auto-read is off on both channels. A side is read again only while its peer is writable;
 * when the peer's buffer passes its high water mark the reads stop, and the peer's writability
 * event resumes them. The upstream connect runs on the client's event loop; a service that
 * refuses or does not answer within the connect timeout has its slot released and another
 * service of the vServer is selected (excluding the ones tried) before the client is given up.
 * A FIN from one side is passed on as a half-close; the relay closes once both sides have
 * finished sending. The service slot is released once, by the client channel's close future.
 */
final class TcpRelayHandler extends ChannelInboundHandlerAdapter {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TcpRelayHandler.class);

    /**
     * Read sizes of both sides of a relay: from 64 KiB up to 256 KiB while reads fill their
     * buffer. A relay moves bulk data, and every read is one event-loop turn and one write
     * system call on the other side, so fewer, larger reads are what its throughput hangs on.
     */
    static final RecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(4096, 65536, 262144);

    private final Route route;
    private final UpstreamConnector connector;

    private Channel client;
    private Channel backend;
    private VirtualServer vserver;
    private Service service;
    private long excluded;
    private int attempts;
    private int clientHash;
    private boolean clientDone;
    private boolean backendDone;

    TcpRelayHandler(Route route, UpstreamConnector connector) {
        this.route = route;
        this.connector = connector;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        // removed, not just read: the attribute map would hold it for the connection's life
        vserver = client.attr(AdmissionHandler.ADMITTED).getAndRemove();
        InetSocketAddress remote = (InetSocketAddress) client.remoteAddress();
        clientHash = remote.getAddress().hashCode();
        client.closeFuture().addListener(f -> {
            releaseService();
            if (backend != null) {
                closeOnFlush(backend);
            }
        });
        connectNext();
    }

    private void connectNext() {
        LoadBalancer lb = vserver.loadBalancer();
        Service s = attempts++ < vserver.services().size() ? lb.select(clientHash, excluded) : null;
        if (s == null) {
            log.debug("{}: no service of vserver {} accepted the connection", client, vserver.name());
            client.close();
            return;
        }
        service = s;
        excluded |= LoadBalancer.bit(lb.indexOf(s));
        ChannelFuture f = connector.connect(route.resources().upstream(s), client.eventLoop(),
                route.connectTimeoutMillis(), false, p -> {
                    p.channel().config().setRecvByteBufAllocator(READS);
                    p.addLast(new TcpBackendHandler(this));
                });
        backend = f.channel();
        f.addListener((ChannelFutureListener) this::connected);
    }

    private void connected(ChannelFuture done) {
        if (!client.isActive()) {
            done.channel().close();
            return;
        }
        if (done.isSuccess()) {
            client.read();
            done.channel().read();
            return;
        }
        log.debug("{}: connect to {} failed: {}", client, service.name(), done.cause().toString());
        backend = null;
        releaseService();
        connectNext();
    }

    private void releaseService() {
        if (service != null) {
            service.release();
            service = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (backend == null || !backend.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        backend.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (backend.isWritable() && !clientDone) {
            client.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (client.isWritable() && backend != null && backend.isActive() && !backendDone) {
            backend.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            clientDone = true;
            if (backend != null && backend.isActive()) {
                shutdownOutput(backend);
            }
            if (backendDone) {
                client.close();
            }
        } else if (evt instanceof IdleStateEvent) {
            log.debug("{}: idle timeout", client);
            client.close();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {} after an error", ctx.channel(), cause);
        ctx.close();
    }

    // ---- events of the backend channel, on the same event loop ----

    void backendRead(Channel from, Object msg) {
        if (from != backend || !client.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        client.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (client.isWritable() && !backendDone) {
            from.read();
        }
    }

    void backendWritabilityChanged(Channel from) {
        if (from == backend && from.isWritable() && client.isActive() && !clientDone) {
            client.read();
        }
    }

    void backendInputShutdown(Channel from) {
        if (from != backend) {
            return;
        }
        backendDone = true;
        if (client.isActive()) {
            shutdownOutput(client);
        }
        if (clientDone) {
            client.close();
        }
    }

    void backendClosed(Channel from) {
        if (from == backend && client.isActive()) {
            closeOnFlush(client);
        }
    }

    /** Passes a half-close on once everything written before it is flushed. */
    private static void shutdownOutput(Channel ch) {
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            if (!(ch instanceof DuplexChannel duplex)) {
                ch.close();
            } else if (tls != null) {
                // close_notify, then the FIN that a TLS peer waits for before it answers in kind
                tls.closeOutbound().addListener(done -> duplex.shutdownOutput());
            } else {
                duplex.shutdownOutput();
            }
        });
    }

    static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }
}
