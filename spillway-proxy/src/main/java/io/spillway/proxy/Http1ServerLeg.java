package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.spillway.core.runtime.Service;

import java.util.concurrent.TimeUnit;

/**
 * A keep-alive HTTP/1.1 connection to a service, as the {@link ServerLeg} of one exchange at a
 * time (SPEC S8). Between exchanges it idles in its event loop's {@link UpstreamPool}; while it
 * idles, a close takes it out of the pool and anything the service sends unasked closes it.
 *
 * <pre>
 *  [tls] ─ codec (HttpClientCodec) ─ leg (this)
 * </pre>
 *
 * <p>One timer bounds each wait on the connection, measured from its last read or write: while
 * an exchange has it, {@code timeouts.server} (the service's time to send the response head,
 * then between reads; the exchange decides between another service and a 504); while it idles
 * in the pool, {@code timeouts.idle}. One scheduled task serves both: it is moved only when a
 * shorter wait starts before it is due.
 */
final class Http1ServerLeg extends ChannelInboundHandlerAdapter implements ServerLeg {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Http1ServerLeg.class);

    private final Service service;
    private final UpstreamPool pool;
    private Channel channel;
    private ReadGate gate;
    private ProxiedExchange exchange;
    private boolean reused;
    private boolean keepAlive;
    private final long idleNanos;
    private final long serverNanos;
    private long timeoutNanos;
    private long lastActivity;
    private ScheduledFuture<?> task;
    private long taskAt;

    private final ChannelFutureListener writeListener = f -> {
        if (!f.isSuccess() && exchange != null) {
            exchange.serverFailed(this, "writing to the service failed");
        }
    };

    private Http1ServerLeg(Service service, UpstreamPool pool, Route route) {
        this.service = service;
        this.pool = pool;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(route.idleTimeoutMillis());
        this.serverNanos = TimeUnit.MILLISECONDS.toNanos(route.serverTimeoutMillis());
        this.timeoutNanos = serverNanos;
    }

    /** See {@link ServerLegs#open}. */
    static void open(ClientConnection connection, Service service, boolean pooled, ProxiedExchange exchange) {
        Channel idle = pooled ? connection.pool().poll(service) : null;
        if (idle != null) {
            Http1ServerLeg leg = idle.pipeline().get(Http1ServerLeg.class);
            leg.reused = true;
            exchange.serverLegReady(leg);
            return;
        }
        Route route = connection.route();
        UpstreamPool pool = connection.pool();
        int maxHeader = route.config().limits().maxHeaderSize();
        ChannelFuture f = connection.connector().connect(route.resources().upstream(service),
                connection.channel().eventLoop(), route.connectTimeoutMillis(), true, p -> {
                    p.addLast("codec", new HttpClientCodec(new HttpDecoderConfig()
                            .setMaxInitialLineLength(8192)
                            .setMaxHeaderSize(Math.max(maxHeader, 8192))
                            .setMaxChunkSize(65536), false, false));
                    p.addLast("leg", new Http1ServerLeg(service, pool, route));
                });
        f.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess()) {
                exchange.serverLegReady(done.channel().pipeline().get(Http1ServerLeg.class));
            } else {
                exchange.serverLegFailed(done.cause());
            }
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        gate = new ReadGate(channel, 0);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startWait(serverNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void attach(ProxiedExchange owner) {
        exchange = owner;
        keepAlive = false;
        startWait(serverNanos);
    }

    /** Starts a wait of {@code nanos} from now, for the response ({@code server}) or in the pool ({@code idle}). */
    private void startWait(long nanos) {
        timeoutNanos = nanos;
        lastActivity = System.nanoTime();
        long due = lastActivity + nanos;
        if (task != null && taskAt - due > 0) {
            task.cancel(false);
            task = null;
        }
        if (task == null && channel.isActive()) {
            schedule(due);
        }
    }

    private void schedule(long at) {
        taskAt = at;
        task = channel.eventLoop().schedule(this::timerRun, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void timerRun() {
        task = null;
        if (!channel.isActive()) {
            return;
        }
        long due = lastActivity + timeoutNanos;
        if (System.nanoTime() - due < 0) {
            schedule(due);
        } else if (exchange != null) {
            exchange.serverTimedOut(this);
        } else {
            channel.close(); // idle in the pool for the idle timeout
        }
    }

    private void stopTimer() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    @Override
    public boolean isReused() {
        return reused;
    }

    @Override
    public void write(HttpObject part) {
        lastActivity = System.nanoTime();
        channel.write(part).addListener(writeListener);
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void pauseReading(boolean paused) {
        gate.set(ReadGate.PEER_FULL, paused);
    }

    @Override
    public void release() {
        exchange = null;
        if (keepAlive && channel.isActive()) {
            gate.open(ReadGate.PEER_FULL);
            startWait(idleNanos);
            pool.offer(service, channel);
        } else {
            channel.close();
        }
    }

    @Override
    public void close() {
        exchange = null;
        channel.close();
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public void removeProtocolHandlers() {
        exchange = null;
        stopTimer();
        channel.pipeline().remove(this);
        channel.pipeline().remove("codec");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        lastActivity = System.nanoTime();
        if (msg instanceof HttpResponse r && r.status().code() >= 200 && r.decoderResult().isSuccess()) {
            keepAlive = HttpUtil.isKeepAlive(r);
        }
        exchange.serverToProxyResponse(this, (HttpObject) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.serverReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.serverWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopTimer();
        if (exchange != null) {
            exchange.serverFailed(this, "the service closed the connection");
        } else {
            pool.remove(service, ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {} after an error", ctx.channel(), cause);
        ctx.close();
    }
}
