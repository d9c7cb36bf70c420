package io.spillway.gslb.exchange;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.spillway.core.model.HostPort;
import io.spillway.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one exchange connection to a remote address open: dials, and after every failure or
 * close dials again after an exponential backoff with jitter (a random delay between half and
 * all of the current step; the step doubles from the initial delay up to the cap, and falls back
 * to the initial delay once a link has been established). All state lives on one event loop.
 */
public final class Dialer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Dialer.class);

    private final Transport transport;
    private final HostPort target;
    private final LocalEnd local;
    private final ExchangeTlsContexts tls;
    private final LinkListener listener;
    private final EventLoop loop;

    private long stepMillis;
    private volatile boolean closed;
    private volatile Channel channel;

    public Dialer(Transport transport, HostPort target, LocalEnd local, ExchangeTlsContexts tls, LinkListener listener) {
        this.transport = transport;
        this.target = target;
        this.local = local;
        this.tls = tls;
        this.loop = transport.group().next();
        this.stepMillis = local.settings().backoffInitial().toMillis();
        this.listener = new LinkListener() {
            @Override
            public String refuse(ExchangeMessage.Hello peer) {
                return listener.refuse(peer);
            }

            @Override
            public void onEstablished(Link link) {
                stepMillis = local.settings().backoffInitial().toMillis();
                listener.onEstablished(link);
            }

            @Override
            public void onMessage(Link link, ExchangeMessage message) {
                listener.onMessage(link, message);
            }

            @Override
            public void onClosed(Link link) {
                listener.onClosed(link);
            }
        };
    }

    public HostPort target() {
        return target;
    }

    public void start() {
        loop.execute(this::dial);
    }

    private void dial() {
        if (closed) {
            return;
        }
        // the transport's client bootstrap, but pinned to this dialer's event loop
        ChannelFuture f = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannelClass())
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.max(100, local.settings().handshakeTimeout().toMillis()))
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ExchangePipeline.init(ch, local, tls, true, listener);
                    }
                })
                .connect(target.host(), target.port());
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                log.debug("exchange dial to {} failed: {}", target, done.cause().toString());
                scheduleRedial();
            } else {
                f.channel().closeFuture().addListener(c -> scheduleRedial());
            }
        });
    }

    private void scheduleRedial() {
        if (closed) {
            return;
        }
        long step = stepMillis;
        long delay = step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
        stepMillis = Math.min(step * 2, local.settings().backoffMax().toMillis());
        loop.schedule(this::dial, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops dialling and closes the connection. Waits (up to 2 s) for the close only when called
     * outside the event loops: an aggregator stops a learnt dialer from an event loop, which must
     * never block.
     */
    @Override
    public void close() {
        closed = true;
        Channel c = channel;
        if (c == null) {
            return;
        }
        ChannelFuture closing = c.close();
        if (!onAnEventLoop()) {
            closing.awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    private boolean onAnEventLoop() {
        for (EventExecutor e : transport.group()) {
            if (e.inEventLoop()) {
                return true;
            }
        }
        return false;
    }
}
