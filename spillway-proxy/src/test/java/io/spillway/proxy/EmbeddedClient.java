package io.spillway.proxy;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.ServerChannel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.spillway.core.log.AccessLog;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.proxy.internal.http1.Http1RequestDecoder;
import io.spillway.transport.Transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client connection of a vServer on an {@link EmbeddedChannel}, for tests of one data-plane
 * handler at a time: the channel joins a client at 127.0.0.1 to a listener at 127.0.0.1:8080,
 * as an accepted connection does (its parent is that listener, a server channel, as Netty's
 * HTTP/2 multiplexer expects of a server's connection), and its {@link ClientConnection} is
 * built as {@link ClientPipeline} builds it, from the route a listener of {@code graph} would
 * hold: with the idle pool and connector of a loop of {@code transport}, or with those the test
 * gives (embedded service connections: {@link EmbeddedNetwork}).
 * The channel is registered (and active) only when the test has put its handlers in place:
 * {@code channel.register()}; {@link #tcp}, {@link #http1} and {@link #http2} put those of a
 * tcp, an HTTP/1.1 and an HTTP/2 client.
 */
final class EmbeddedClient extends EmbeddedChannel {

    final ClientConnection connection;

    EmbeddedClient(RuntimeGraph graph, String vserver, Transport transport) throws Exception {
        this(graph, vserver, new UpstreamConnector(transport), new UpstreamPool(transport.group().next(), 0));
    }

    EmbeddedClient(RuntimeGraph graph, String vserver, UpstreamConnector connector, UpstreamPool pool) throws Exception {
        super(new ListeningChannel(), DefaultChannelId.newInstance(), false, false);
        Route route = new Route(graph.vserver(vserver).config(), graph.chain(vserver), null, GraphResources.build(graph));
        ConnectionBudget budget = new ConnectionBudget(1);
        budget.tryAcquire();
        connection = new ClientConnection(this, route, ClientTimer.of(route), pool, connector, AccessLog.NONE, budget);
    }

    /**
     * An HTTP/1.1 client connection of {@code vserver} whose services are reached through
     * {@code connector} and pooled in {@code pool}, its pipeline as {@link ClientPipeline} makes
     * it (without the HTTP/2 detector), registered on its own event loop, or on
     * {@code sharedLoop}'s when not null (as the clients of one loop share its pool in the proxy).
     */
    static EmbeddedClient http1(RuntimeGraph graph, String vserver, UpstreamConnector connector, UpstreamPool pool,
                                EmbeddedChannel sharedLoop) throws Exception {
        EmbeddedClient ch = new EmbeddedClient(graph, vserver, connector, pool);
        ChannelPipeline p = ch.pipeline();
        p.addLast("admission", admission(ch));
        p.addLast("timer", ch.connection.timer());
        int maxRequestLine = ch.connection.route().config().limits().maxRequestLine();
        int maxHeaderSize = ch.connection.route().config().limits().maxHeaderSize();
        p.addLast(ClientPipeline.CODEC, new Http1RequestDecoder(maxRequestLine, maxHeaderSize, true));
        p.addLast(ClientPipeline.HTTP, new Http1ClientLeg(ch.connection));
        if (sharedLoop == null) {
            ch.register();
        } else {
            sharedLoop.eventLoop().register(ch).syncUninterruptibly();
        }
        return ch;
    }

    /**
     * A client connection of tcp vServer {@code vserver} whose services are reached through
     * {@code connector}, its pipeline as {@link ClientPipeline} makes it (not read until a gate
     * opens), registered: its connect to a service is under way.
     */
    static EmbeddedClient tcp(RuntimeGraph graph, String vserver, UpstreamConnector connector) throws Exception {
        EmbeddedClient ch = new EmbeddedClient(graph, vserver, connector, new UpstreamPool(null, 0));
        ReadGate.holdUntilGate(ch);
        ch.pipeline().addLast("admission", admission(ch));
        ch.pipeline().addLast("timer", ch.connection.timer());
        ch.pipeline().addLast("tcp", new TcpConnection(ch.connection));
        ch.register();
        return ch;
    }

    /**
     * An HTTP/2 client connection (prior knowledge) of {@code vserver}: admitted and registered,
     * then turned into an HTTP/2 server pipeline, as {@link Http2Detector} turns a connection
     * that opens with the preface; the codec's SETTINGS wait in the outbound buffer.
     */
    static EmbeddedClient http2(RuntimeGraph graph, String vserver, UpstreamConnector connector, UpstreamPool pool)
            throws Exception {
        EmbeddedClient ch = new EmbeddedClient(graph, vserver, connector, pool);
        ch.pipeline().addLast("admission", admission(ch));
        ch.pipeline().addLast("timer", ch.connection.timer());
        ch.register();
        Http2ClientConnection.install(ch.pipeline(), "timer", ch.connection);
        return ch;
    }

    /** The admission that starts every client pipeline: no per-client limit, no GSLB router. */
    private static AdmissionHandler admission(EmbeddedClient ch) {
        return new AdmissionHandler(ch.connection, new ClientLimit(), new AtomicReference<>());
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    protected SocketAddress localAddress0() {
        return new InetSocketAddress("127.0.0.1", 8080);
    }

    /** The listening channel a client connection was accepted by. */
    private static final class ListeningChannel extends EmbeddedChannel implements ServerChannel {
        @Override
        protected SocketAddress localAddress0() {
            return new InetSocketAddress("127.0.0.1", 8080);
        }
    }
}
