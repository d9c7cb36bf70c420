package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.spillway.core.log.AccessLog;
import io.spillway.proxy.internal.http1.Http1RequestDecoder;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds the pipeline of each accepted client connection from the route its listener holds at
 * that moment.
 *
 * <pre>
 *  tcp, tls-tcp:  admission ─ timer ─ TcpConnection   then   timer ─ Relay      (auto-read off until connected)
 *  http:          admission ─ timer ─ h2detect ─ codec ─ Http1ClientLeg     after a 101: timer ─ Relay
 *  https:         admission ─ tls ─ timer ─ h2detect ─ codec ─ Http1ClientLeg
 *  HTTP/2:        admission ─ [tls] ─ timer ─ h2 ─ h2conn ─ h2mux ═► Http2ClientLeg per stream
 * </pre>
 *
 * The {@link Http2Detector} ({@code http2: true}, the default) replaces the HTTP/1.1 handlers
 * with HTTP/2 ones when ALPN chose {@code h2} or the connection opens with the HTTP/2 preface.
 *
 * Each connection gets a {@link ClientConnection} that the handlers share. Admission comes first so that it runs before any read and before a TLS handshake. An idle
 * keep-alive connection keeps this pipeline (less admission, which removes itself), so it is
 * kept short: one {@link ClientTimer} carries every timeout of the connection.
 *
 * <p>{@link #install} builds the same pipeline on a connection accepted elsewhere (the GSLB
 * resolve endpoint's {@code /go/} requests in proxy mode, {@link GoHandoff}).
 */
final class ClientPipeline extends ChannelInitializer<Channel> {

    /** Name of the HTTP/1.1 codec in an http or https client pipeline. */
    static final String CODEC = "codec";

    /** Name of the HTTP/1.1 client leg in an http or https client pipeline. */
    static final String HTTP = "http";

    private final Listener listener;
    private final UpstreamConnector connector;
    private final UpstreamPools pools;
    private final ChannelGroup clients;
    private final ConnectionBudget budget;
    private final AtomicReference<AccessLog> accessLog;
    private final AtomicReference<GslbRouter> gslbRouter;

    /**
     * @param listener   whose route new connections take; null for one that only {@link #install}s
     * @param gslbRouter G6: the router of connections to vServers with {@code gslb}; holds null while none is set
     */
    ClientPipeline(Listener listener, UpstreamConnector connector, UpstreamPools pools, ChannelGroup clients,
                   ConnectionBudget budget, AtomicReference<AccessLog> accessLog, AtomicReference<GslbRouter> gslbRouter) {
        this.listener = listener;
        this.connector = connector;
        this.pools = pools;
        this.clients = clients;
        this.budget = budget;
        this.accessLog = accessLog;
        this.gslbRouter = gslbRouter;
    }

    @Override
    protected void initChannel(Channel ch) {
        install(ch, listener.route(), listener.clientLimit(), false);
    }

    /**
     * Adds the client handlers of {@code route} at the end of {@code ch}'s pipeline, or closes
     * {@code ch} when the appliance holds {@code limits.maxConnections} already.
     *
     * @param singleRequest http: the connection closes after its first response, which says
     *                      {@code Connection: close}
     * @return whether the handlers were added
     */
    boolean install(Channel ch, Route route, ClientLimit clientLimit, boolean singleRequest) {
        if (!budget.tryAcquire()) {
            ch.close(); // limits.maxConnections: counted by the budget
            return false;
        }
        ClientTimer timer = ClientTimer.of(route);
        ClientConnection connection = new ClientConnection(ch, route, timer, pools.forLoop(ch.eventLoop()), connector,
                accessLog.get(), budget);
        if (singleRequest) {
            connection.serveOneRequest();
        }
        clients.add(ch);
        ChannelPipeline p = ch.pipeline();
        switch (route.config().protocol()) {
            case TCP, TLS_TCP -> {
                ReadGate.holdUntilGate(ch);
                ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                p.addLast("admission", new AdmissionHandler(connection, clientLimit, gslbRouter));
                p.addLast("timer", timer);
                p.addLast("tcp", new TcpConnection(connection));
            }
            case HTTP, HTTPS -> {
                p.addLast("admission", new AdmissionHandler(connection, clientLimit, gslbRouter));
                ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                if (route.serverTls() != null) {
                    p.addLast("tls", route.serverTls().newHandler(ch.alloc(), route.headerTimeoutMillis()));
                }
                p.addLast("timer", timer);
                if (route.config().http2()) {
                    p.addLast("h2detect", new Http2Detector(connection));
                }
                p.addLast(CODEC, new Http1RequestDecoder(route.config().limits().maxRequestLine(),
                        route.config().limits().maxHeaderSize(), true));
                p.addLast(HTTP, new Http1ClientLeg(connection));
            }
        }
        return true;
    }
}
