package io.spillway.gslb.internal.exchange;

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

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one exchange connection open to one of a list of remote addresses: dials, and after
 * every failure or close dials again after an exponential backoff with jitter (a random delay
 * between half and all of the current step; the step doubles from the initial delay up to the
 * cap, and falls back to the initial delay once a link has been established).
 *
 * <p>With several addresses (an aggregator's {@code master: [a, b]}, of which one is active and
 * the others refuse, issue 12) they are tried in order: a dial that fails, is refused, or whose
 * link closes moves on to the next address at once, and only a round in which every address
 * failed waits for the backoff before starting again from the first. So an aggregator finds the
 * active master within one round, and follows a takeover as soon as the old link closes. All
 * state lives on one event loop.
 */
public final class Dialer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Dialer.class);

    private final Transport transport;
    private final List<HostPort> targets;
    private final LocalEnd local;
    private final ExchangeTlsContexts tls;
    private final LinkListener listener;
    private final EventLoop loop;

    private long stepMillis;
    private int next;
    private int failedInRound;
    private volatile HostPort target;
    private volatile boolean closed;
    private volatile Channel channel;

    public Dialer(Transport transport, HostPort target, LocalEnd local, ExchangeTlsContexts tls, LinkListener listener) {
        this(transport, List.of(target), local, tls, listener);
    }

    /** @param targets tried in order, at least one */
    public Dialer(Transport transport, List<HostPort> targets, LocalEnd local, ExchangeTlsContexts tls,
                  LinkListener listener) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a dialer needs at least one address");
        }
        this.transport = transport;
        this.targets = List.copyOf(targets);
        this.target = this.targets.get(0);
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
                failedInRound = 0;
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

            @Override
            public boolean holds(String site, long epoch, long sequence) {
                return listener.holds(site, epoch, sequence);
            }
        };
    }

    /** The address dialled now, or last. */
    public HostPort target() {
        return target;
    }

    public List<HostPort> targets() {
        return targets;
    }

    public void start() {
        loop.execute(this::dial);
    }

    private void dial() {
        if (closed) {
            return;
        }
        HostPort target = targets.get(next);
        this.target = target;
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

    /** The next address of the list at once, or, once every address failed in this round, after the backoff. */
    private void scheduleRedial() {
        if (closed) {
            return;
        }
        next = (next + 1) % targets.size();
        failedInRound++;
        if (failedInRound < targets.size()) {
            loop.execute(this::dial);
            return;
        }
        failedInRound = 0;
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
