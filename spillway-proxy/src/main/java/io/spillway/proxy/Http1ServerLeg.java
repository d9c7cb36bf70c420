package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.buffer.ByteBuf;
import io.spillway.proxy.internal.http1.Http1DecodeFailure;
import io.spillway.proxy.internal.http1.Http1End;
import io.spillway.proxy.internal.http1.Http1Method;
import io.spillway.proxy.internal.http1.Http1ResponseDecoder;
import io.spillway.proxy.internal.http1.ResponseHead;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import io.spillway.core.runtime.Service;

import java.util.concurrent.TimeUnit;

/**
 * A keep-alive HTTP/1.1 connection to a service, as the {@link ServerLeg} of one exchange at a
 * time (SPEC S8). Between exchanges it idles in its event loop's {@link UpstreamPool}; while it
 * idles, a close takes it out of the pool and anything the service sends unasked closes it.
 *
 * <pre>
 *  [tls] ─ codec (Http1ResponseDecoder) ─ leg (this)        written: head and body bytes as they are
 * </pre>
 *
 * <p>One timer bounds each wait on the connection, measured from its last read or write: while
 * an exchange has it, {@code timeouts.server} (the service's time to send the response head,
 * then between reads; the exchange decides between another service and a 504); while it idles
 * in the pool, {@code timeouts.idle}. One scheduled task serves both: it is moved only when a
 * shorter wait starts before it is due. Both are measured by the event loop's {@link Ticker},
 * the clock its scheduled tasks run by.
 */
final class Http1ServerLeg extends ChannelInboundHandlerAdapter implements ServerLeg {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Http1ServerLeg.class);

    private final Service service;
    private final UpstreamPool pool;
    private Channel channel;
    private ReadGate gate;
    private Http1ResponseDecoder decoder;
    private ProxiedExchange exchange;
    private boolean reused;
    private boolean keepAlive;
    private final long idleNanos;
    private final long serverNanos;
    private long timeoutNanos;
    private long lastActivity;
    private ScheduledFuture<?> task;
    private long taskAt;
    /** The event loop's clock, the one its scheduled tasks run by. */
    private Ticker ticker;

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
        ChannelFuture f = connection.connector().connect(connection.vserver(), route.resources().upstream(service),
                connection.channel().eventLoop(), route.connectTimeoutMillis(), true, p -> {
                    p.addLast("codec", new Http1ResponseDecoder(8192, Math.max(maxHeader, 8192)));
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
        ticker = ctx.executor().ticker();
        gate = new ReadGate(channel, 0);
        decoder = ctx.pipeline().get(Http1ResponseDecoder.class);
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
        lastActivity = ticker.nanoTime();
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
        task = channel.eventLoop().schedule(this::timerRun, Math.max(0, at - ticker.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void timerRun() {
        task = null;
        if (!channel.isActive()) {
            return;
        }
        long due = lastActivity + timeoutNanos;
        if (ticker.nanoTime() - due < 0) {
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
    public void writeHead(ByteBuf head, Http1Method method, boolean decodeChunked) {
        decoder.expect(method, decodeChunked);
        write(head);
    }

    @Override
    public void write(ByteBuf content) {
        lastActivity = ticker.nanoTime();
        // no promise per write: a failed write fires exceptionCaught, which closes the connection,
        // and its close reports the failure to the exchange
        channel.write(content, channel.voidPromise());
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
        lastActivity = ticker.nanoTime();
        if (exchange == null) {
            // the service sent something unasked while the connection idled: it is not to be trusted
            ReferenceCountUtil.release(msg);
            ctx.close();
        } else if (msg instanceof ByteBuf content) {
            exchange.serverContent(this, content);
        } else if (msg instanceof ResponseHead head) {
            if (!head.isInterim()) {
                keepAlive = head.keepAlive();
            }
            exchange.serverHead(this, head);
        } else if (msg instanceof Http1End end) {
            exchange.serverEnd(this, end);
        } else if (msg instanceof Http1DecodeFailure failure) {
            keepAlive = false;
            exchange.serverDecodeFailed(this, failure);
        } else {
            ReferenceCountUtil.release(msg);
        }
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
