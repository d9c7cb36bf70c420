package io.spillway.gslb.resolve;

import io.netty.channel.ChannelHandler;
import io.spillway.core.gslb.Resolver;
import io.spillway.core.model.HostPort;
import io.spillway.httpjson.HttpLimits;
import io.spillway.httpjson.JsonHttpServer;
import io.spillway.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The HTTP resolution listener at {@code gslb.resolve.listen} (SPEC G5): a {@link JsonHttpServer}
 * with the routes of {@link ResolveApi}, open to everyone, GET only.
 *
 * An aggregator answers from its own {@link Resolver}; a branch forwards each request to its
 * aggregator (an {@link AsyncResolver} over {@code GslbNode.resolveViaAggregator}) and answers
 * when the aggregator does, within {@value #TIMEOUT_MILLIS} ms (504 beyond). Pipelined requests
 * are resolved at once and answered in request order; at most {@value #MAX_PIPELINED} may be
 * unanswered on one connection, which is closed beyond.
 *
 * Limits: request line 4096 bytes, headers 8192 bytes, body 8192 bytes (413 above), a request
 * in 10 s (408), 1024 connections, closed after {@value #IDLE_SECONDS}s without traffic.
 *
 * <p>Proxy mode (G6, {@code gslb.resolve.mode: proxy}): the appliance sets a {@link #handOff}
 * handler, which looks at the first request line of each connection before the JSON server does
 * and hands a {@code /go/} request, with the rest of its connection, to the data plane; the
 * routes here then answer every other request, and a {@code /go/} request that is not the first
 * of its connection, with a {@code 302} as in redirect mode.
 */
public final class ResolveServer implements AutoCloseable {

    static final int MAX_PIPELINED = 16;
    static final int IDLE_SECONDS = 30;
    static final long TIMEOUT_MILLIS = 5000;
    static final HttpLimits LIMITS = new HttpLimits(8192, 4096, 8192, Duration.ofSeconds(10),
            Duration.ofSeconds(IDLE_SECONDS), 1024, MAX_PIPELINED - 1, Duration.ofMillis(TIMEOUT_MILLIS));

    private static final Logger log = LoggerFactory.getLogger(ResolveServer.class);

    private final Transport transport;
    private final HostPort listen;
    private final JsonHttpServer http;

    public ResolveServer(Transport transport, HostPort listen, Resolver resolver) {
        this(transport, listen, AsyncResolver.of(resolver));
    }

    public ResolveServer(Transport transport, HostPort listen, AsyncResolver resolver) {
        this(transport, listen, resolver, Duration.ofSeconds(IDLE_SECONDS), Duration.ofMillis(TIMEOUT_MILLIS));
    }

    ResolveServer(Transport transport, HostPort listen, Resolver resolver, Duration idle) {
        this(transport, listen, AsyncResolver.of(resolver), idle, Duration.ofMillis(TIMEOUT_MILLIS));
    }

    ResolveServer(Transport transport, HostPort listen, AsyncResolver resolver, Duration idle, Duration timeout) {
        this.transport = transport;
        this.listen = listen;
        this.http = new JsonHttpServer("spillway-resolve", "gslb.resolve",
                LIMITS.withIdleTimeout(idle).withAnswerTimeout(timeout), false);
        new ResolveApi(resolver).routes().forEach(http::route);
    }

    /**
     * Proxy mode: a handler made by {@code factory} sees each new connection's bytes first and
     * may take the connection over (see {@link JsonHttpServer#front}); set before {@link #start}.
     */
    public void handOff(Supplier<? extends ChannelHandler> factory) {
        http.front(factory);
    }

    public void start() throws Exception {
        http.start(transport, new InetSocketAddress(listen.host(), listen.port()));
        log.info("GSLB resolve endpoint listening on {}", boundAddress());
    }

    public InetSocketAddress boundAddress() {
        return http.boundAddress();
    }

    @Override
    public void close() {
        http.close();
    }
}
