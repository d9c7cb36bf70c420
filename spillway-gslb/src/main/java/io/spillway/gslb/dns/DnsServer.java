package io.spillway.gslb.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.spillway.core.gslb.Resolver;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.HostPort;
import io.spillway.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;

/**
 * The authoritative DNS server for the GSLB domains (SPEC G5), on UDP and TCP at
 * {@code gslb.dns.listen}. The answers are {@link DnsResponder}'s; this class owns the sockets.
 *
 * <pre>
 *   UDP datagram ──► DnsUdpHandler ──┐                     ┌──► DomainAnswer (kept per table version)
 *                                    ├──► DnsResponder ──┤
 *   TCP ──► IdleStateHandler ──► LengthFieldBasedFrameDecoder ──► DnsTcpHandler ──┘   └──► Resolver (selection over the SiteTable)
 * </pre>
 *
 * <p>With epoll, {@value #SOCKETS_PER_LOOP} UDP sockets per event loop share the port
 * (SO_REUSEPORT), so the kernel spreads queries over every loop. Limits: messages of at most {@value #MAX_MESSAGE} bytes,
 * {@value #MAX_TCP_CONNECTIONS} TCP connections, closed after {@value #TCP_IDLE_SECONDS}s idle.
 * When the configured port is 0, UDP and TCP take the same ephemeral port.
 */
public final class DnsServer implements AutoCloseable {

    /** Largest query accepted; real queries are a few hundred bytes. */
    static final int MAX_MESSAGE = 4096;
    static final int MAX_TCP_CONNECTIONS = 1024;
    static final int TCP_IDLE_SECONDS = 10;
    /**
     * UDP sockets per event loop with epoll. The kernel spreads clients over the sockets by a
     * hash of their address and port; several sockets per loop even out the share of each loop
     * when there are few clients (a recursive resolver is one client).
     */
    static final int SOCKETS_PER_LOOP = 4;
    /** Datagrams read per recvmmsg call with epoll. */
    static final int RECV_BATCH = 16;

    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

    private final Transport transport;
    private final HostPort listen;
    private final DnsQueryCounts counts = new DnsQueryCounts();
    private final DnsResponder responder;
    private final AtomicInteger tcpConnections = new AtomicInteger();
    private final List<Channel> udpChannels = new ArrayList<>();
    private final ChannelGroup tcpClients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final long tcpIdleMillis;
    private Channel tcpChannel;

    public DnsServer(Transport transport, GslbConfig.Dns config, List<GslbConfig.Domain> domains, Resolver resolver) {
        this(transport, config, domains, resolver, Duration.ofSeconds(TCP_IDLE_SECONDS));
    }

    DnsServer(Transport transport, GslbConfig.Dns config, List<GslbConfig.Domain> domains, Resolver resolver,
              Duration tcpIdle) {
        this.tcpIdleMillis = tcpIdle.toMillis();
        this.transport = transport;
        this.listen = config.listen();
        DnsZones zones = new DnsZones(config.zones(), domains, listen, System.currentTimeMillis() / 1000);
        this.responder = new DnsResponder(zones, domains, resolver, counts);
    }

    public synchronized void start() throws Exception {
        if (tcpChannel != null) {
            throw new IllegalStateException("already started");
        }
        InetSocketAddress requested = new InetSocketAddress(listen.host(), listen.port());
        int attempts = listen.port() == 0 ? 5 : 1;
        for (int attempt = 1; ; attempt++) {
            List<Channel> udp = bindUdp(requested);
            int port = ((InetSocketAddress) udp.get(0).localAddress()).getPort();
            try {
                tcpChannel = tcpBootstrap().bind(new InetSocketAddress(requested.getAddress(), port)).sync().channel();
                udpChannels.addAll(udp);
                break;
            } catch (Exception e) {
                udp.forEach(c -> c.close().syncUninterruptibly());
                if (attempt >= attempts) {
                    throw e;
                }
            }
        }
        log.info("GSLB DNS listening on {} (UDP x{}, TCP)", udpAddress(), udpChannels.size());
    }

    private List<Channel> bindUdp(InetSocketAddress requested) throws InterruptedException {
        boolean reusePort = transport.isEpoll();
        int loops = (int) StreamSupport.stream(transport.group().spliterator(), false).count();
        int sockets = reusePort ? loops * SOCKETS_PER_LOOP : 1;
        List<Channel> out = new ArrayList<>();
        try {
            InetSocketAddress address = requested;
            for (int i = 0; i < sockets; i++) {
                Bootstrap b = transport.datagramBootstrap()
                        .option(ChannelOption.SO_RCVBUF, 1 << 20)
                        .handler(new DnsUdpHandler(responder, counts));
                if (reusePort) {
                    // recvmmsg: up to RECV_BATCH datagrams per system call, each cut at MAX_MESSAGE + 1
                    // bytes so that an oversized one is still seen as oversized
                    b.option(EpollChannelOption.SO_REUSEPORT, true)
                            .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_MESSAGE + 1)
                            .option(ChannelOption.RECVBUF_ALLOCATOR,
                                    new FixedRecvByteBufAllocator((MAX_MESSAGE + 1) * RECV_BATCH));
                } else {
                    b.option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_MESSAGE + 1));
                }
                Channel ch = b.bind(address).sync().channel();
                out.add(ch);
                address = (InetSocketAddress) ch.localAddress();
            }
            return out;
        } catch (InterruptedException | RuntimeException e) {
            out.forEach(c -> c.close().syncUninterruptibly());
            throw e;
        }
    }

    private ServerBootstrap tcpBootstrap() {
        return transport.serverBootstrap().childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (tcpConnections.incrementAndGet() > MAX_TCP_CONNECTIONS) {
                    tcpConnections.decrementAndGet();
                    ch.close();
                    return;
                }
                ch.closeFuture().addListener(f -> tcpConnections.decrementAndGet());
                tcpClients.add(ch);
                ch.pipeline()
                        .addLast(new IdleStateHandler(0, 0, tcpIdleMillis, TimeUnit.MILLISECONDS))
                        .addLast(new LengthFieldBasedFrameDecoder(MAX_MESSAGE, 0, 2, 0, 2, true))
                        .addLast(new DnsTcpHandler(responder));
            }
        });
    }

    public InetSocketAddress udpAddress() {
        return (InetSocketAddress) udpChannels.get(0).localAddress();
    }

    public InetSocketAddress tcpAddress() {
        return (InetSocketAddress) tcpChannel.localAddress();
    }

    /** Queries answered, key {@code [domain, rcode]}: for {@code spillway_gslb_dns_queries_total{domain,rcode}}. */
    public Map<List<String>, Long> queryCounts() {
        return counts.snapshot();
    }

    @Override
    public synchronized void close() {
        for (Channel c : udpChannels) {
            c.close().syncUninterruptibly();
        }
        udpChannels.clear();
        if (tcpChannel != null) {
            tcpChannel.close().syncUninterruptibly();
        }
        tcpClients.close().awaitUninterruptibly();
    }
}
