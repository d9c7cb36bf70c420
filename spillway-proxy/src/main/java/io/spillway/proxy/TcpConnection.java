package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.log.AccessAction;
import io.spillway.core.runtime.FailureReason;
import io.spillway.core.runtime.Service;

/**
 * A client connection of a tcp or tls-tcp vServer until its service connection is up (SPEC S1,
 * S8): picks a service of the admitting vServer, connects to it on the client's event loop and
 * hands both channels to a {@link Relay}. A service that refuses or does not answer within the
 * connect timeout has its slot released and the next one is tried ({@link ServiceAttempts})
 * before the client is given up. The client is not read until the relay starts.
 *
 * <p>The service slot is held for the connection's life and released once, by the client
 * channel's close future, which also closes the service connection and counts and logs the
 * connection (bytes each way, the service that served it).
 */
final class TcpConnection extends ChannelInboundHandlerAdapter {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TcpConnection.class);

    private final ClientConnection connection;
    private ServiceAttempts attempts;
    private Service service;
    private String serviceName;
    private Channel server;
    private Relay relay;
    private long connectStartNanos;

    TcpConnection(ClientConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        attempts = connection.attempts();
        long startMillis = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        client.closeFuture().addListener(f -> {
            releaseService();
            if (server != null) {
                Relay.closeOnFlush(server);
            }
            long in = relay == null ? 0 : relay.bytesFromClient();
            long out = relay == null ? 0 : relay.bytesToClient();
            connection.done(startMillis, startNanos, serviceName, null, null, 0, in, out, AccessAction.SERVED);
        });
        connectNext(client);
    }

    private void connectNext(Channel client) {
        Service s = attempts.next();
        if (s == null) {
            log.debug("{}: no service of vserver {} accepted the connection", client, connection.vserver().name());
            client.close();
            return;
        }
        service = s;
        Route route = connection.route();
        connectStartNanos = System.nanoTime();
        ChannelFuture f = connection.connector().connect(connection.vserver(), route.resources().upstream(s), client.eventLoop(),
                route.connectTimeoutMillis(), false, p -> { });
        server = f.channel();
        f.addListener((ChannelFutureListener) done -> connected(client, done));
    }

    private void connected(Channel client, ChannelFuture done) {
        if (!client.isActive()) {
            done.channel().close();
            return;
        }
        if (done.isSuccess()) {
            // a tcp connection's served time is the service's time to accept it (leastresponsetime, G1)
            service.recordServedTime(System.nanoTime() - connectStartNanos);
            serviceName = service.name();
            client.pipeline().remove(this);
            relay = Relay.start(client, done.channel());
            return;
        }
        log.debug("{}: connect to {} failed: {}", client, service.name(), done.cause().toString());
        service.recordFailure(FailureReason.CONNECT);
        server = null;
        releaseService();
        connectNext(client);
    }

    private void releaseService() {
        if (service != null) {
            service.release();
            service = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg); // not read before the relay starts; a TLS handshake cannot send here
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {} after an error", ctx.channel(), cause);
        ctx.close();
    }
}
