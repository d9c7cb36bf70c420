package io.spillway.proxy;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.runtime.Service;

import java.util.ArrayDeque;

/**
 * One proxied HTTP request and its response, between a {@link ClientLeg} and a
 * {@link ServerLeg}, with the four legs named as Jetty 12's {@code ProxyHandler} names them:
 * {@code clientToProxyRequest} (the client leg hands over the request head and body),
 * {@code proxyToServerRequest} (written to the server leg), {@code serverToProxyResponse}
 * (the server leg hands back the response) and {@code proxyToClientResponse} (given to the
 * client leg, which frames it for its client). The exchange knows neither HTTP/1.1 nor HTTP/2:
 * only the legs do.
 *
 * <p>What it decides: which service serves the request (the vServer's method, with failover
 * over {@link ServiceAttempts} when a connect fails); whether a request that met a dead reused
 * connection is sent again (once, on a fresh connection to the same service, and only when
 * its method is idempotent and nothing of its body was sent, RFC 9110 9.2.2) or goes to another
 * service after the first sent nothing for {@code timeouts.server} (same conditions, and
 * nothing of a response sent to the client yet); which response
 * parts are interim (1xx) and which final; a {@code 101} answering a request that asked for an
 * upgrade turns the pair into a tunnel, any other {@code 101} is a bad gateway; the service's
 * response time (S1, leastresponsetime) from request sent to response complete.
 *
 * <p>The service slot is held for the request's duration (for http, a service's active count is
 * its in-flight requests) and released exactly once, whichever way the exchange ends: complete,
 * failed with a 502/503/504, aborted by the client going away, or, after a 101, by the tunnel's
 * close. Bodies stream in both directions, each side read only while the other can take more.
 * Runs entirely on the client connection's event loop.
 */
final class ProxiedExchange {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProxiedExchange.class);

    private final ClientLeg client;
    private final HttpRequest request;
    private final boolean upgradeRequested;
    private final ServiceAttempts attempts;

    private ArrayDeque<HttpContent> buffered;
    private Service service;
    private ServerLeg server;
    private boolean retriedStale;
    private boolean requestComplete;
    private long bodyBytesSent;
    private boolean informational;
    private boolean interimSent;
    private HttpResponse switching;
    private boolean responseStarted;
    private boolean finished;
    private long startNanos;

    /**
     * @param request the request head as it goes to the service (the client leg has applied the
     *                forwarding rules of {@link ProxyHeaders})
     */
    ProxiedExchange(ClientLeg client, HttpRequest request, boolean upgradeRequested) {
        this.client = client;
        this.request = request;
        this.upgradeRequested = upgradeRequested;
        this.attempts = client.connection().attempts();
    }

    boolean requestComplete() {
        return requestComplete;
    }

    boolean upgradeRequested() {
        return upgradeRequested;
    }

    /** Whether the client's request body may be read now: it only flows while the service keeps up. */
    boolean acceptsClientData() {
        return requestComplete || (server != null && server.isWritable());
    }

    void start() {
        selectService(HttpResponseStatus.BAD_GATEWAY, "no service could be reached");
    }

    /** Picks the next service; when none is left, answers {@code exhausted} (or 503 when none was UP). */
    private void selectService(HttpResponseStatus exhausted, String why) {
        Service s = attempts.next();
        if (s == null) {
            if (attempts.triedBefore()) {
                fail(exhausted, why);
            } else {
                fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "no service is available");
            }
            return;
        }
        service = s;
        ServerLegs.open(client.connection(), s, true, this);
    }

    /** A server leg to the current service is ready (pooled, or freshly connected). */
    void serverLegReady(ServerLeg leg) {
        if (finished) {
            leg.close();
            return;
        }
        server = leg;
        leg.attach(this);
        startNanos = System.nanoTime();
        leg.write(request);
        boolean wroteLast = false;
        if (buffered != null) {
            for (HttpContent c = buffered.poll(); c != null; c = buffered.poll()) {
                wroteLast |= c instanceof LastHttpContent;
                bodyBytesSent += c.content().readableBytes();
                leg.write(c);
            }
        }
        if (retriedStale && requestComplete && !wroteLast) {
            // the end of an empty body went to the connection that died
            leg.write(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        leg.flush();
        client.requestFlowChanged();
    }

    /** No server leg could be opened to the current service: the next service is tried. */
    void serverLegFailed(Throwable cause) {
        if (finished) {
            return;
        }
        log.debug("{}: connect to {} failed: {}", client.connection().channel(), service.name(), cause.toString());
        releaseService();
        selectService(HttpResponseStatus.BAD_GATEWAY, "no service could be reached");
    }

    /** {@code clientToProxyRequest}: a part of the request body. */
    void clientContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
        }
        if (finished) {
            c.release();
        } else if (server == null) {
            if (buffered == null) {
                buffered = new ArrayDeque<>(4);
            }
            buffered.add(c);
        } else {
            bodyBytesSent += c.content().readableBytes();
            server.write(c);
            if (last) {
                server.flush();
            }
        }
    }

    /** The client leg finished a read batch. */
    void flushToServer() {
        if (server != null) {
            server.flush();
        }
    }

    /** {@code serverToProxyResponse}: a part of the response. */
    void serverToProxyResponse(ServerLeg from, HttpObject msg) {
        if (finished || from != server) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            serverBroken("the service sent an invalid response");
            return;
        }
        if (msg instanceof HttpResponse r) {
            int code = r.status().code();
            if (code == 101) {
                if (!upgradeRequested || !requestComplete || !r.headers().contains(HttpHeaderNames.UPGRADE)) {
                    serverBroken("the service switched protocols unasked");
                    return;
                }
                switching = r;
                ProxyHeaders.toClientUpgrade(r);
                return; // switched at the end of the 101 message, when the codec has let go
            }
            if (code < 200) {
                informational = true;
                interimSent = true;
                ProxyHeaders.toClient(r);
                client.proxyToClientInterim(r);
                return;
            }
            responseStarted = true;
            ProxyHeaders.toClient(r);
            client.proxyToClientResponse(r);
        }
        if (msg instanceof HttpContent c) {
            if (switching != null) {
                c.release();
                if (c instanceof LastHttpContent) {
                    switchProtocols();
                }
            } else if (informational) {
                informational = !(c instanceof LastHttpContent);
                client.proxyToClientInterim(c);
            } else if (!responseStarted) {
                c.release();
            } else if (c instanceof LastHttpContent) {
                // recorded before the client can have the end of the response
                service.responseTime().record(System.nanoTime() - startNanos);
                client.proxyToClientResponse(c);
                complete();
            } else {
                client.proxyToClientResponse(c);
                if (!client.isWritable()) {
                    server.pauseReading(true);
                }
            }
        }
    }

    private void switchProtocols() {
        finished = true;
        service.responseTime().record(System.nanoTime() - startNanos);
        Service s = service;
        service = null; // the tunnel holds the slot now
        ServerLeg leg = server;
        server = null;
        client.upgrade(this, switching, leg, s);
    }

    /** The server leg finished a read batch. */
    void serverReadComplete() {
        client.flushToClient();
    }

    void serverWritabilityChanged() {
        client.requestFlowChanged();
    }

    void clientWritabilityChanged(boolean writable) {
        if (server != null && writable) {
            server.pauseReading(false);
        }
    }

    private void complete() {
        finished = true;
        releaseService();
        ServerLeg leg = server;
        server = null;
        if (requestComplete) {
            leg.release();
        } else {
            leg.close();
        }
        client.exchangeComplete(this);
    }

    /** The service connection closed or failed a write before the response was complete. */
    void serverFailed(ServerLeg from, String why) {
        if (finished || from != server) {
            return;
        }
        log.debug("{}: {} (response started: {}, reused: {})", client.connection().channel(), why, responseStarted, from.isReused());
        if (!responseStarted && from.isReused() && !retriedStale && bodyBytesSent == 0 && ProxyHeaders.isIdempotent(request.method())) {
            // a pooled connection the service had already closed: one fresh connect, same service
            retriedStale = true;
            server = null;
            from.close();
            ServerLegs.open(client.connection(), service, false, this);
            return;
        }
        serverBroken(why);
    }

    /**
     * The service sent nothing for {@code timeouts.server}. A request that may be sent again
     * (idempotent, its body not streamed away, nothing of any response sent to the client) goes
     * to another service; anything else gets 504, or a reset once the response has started.
     */
    void serverTimedOut(ServerLeg from) {
        if (finished || from != server) {
            return;
        }
        log.debug("{}: {} sent nothing for the server timeout", client.connection().channel(), service.name());
        if (responseStarted) {
            abort();
            client.exchangeBroken(this);
        } else if (!interimSent && bodyBytesSent == 0 && ProxyHeaders.isIdempotent(request.method())) {
            server = null;
            from.close();
            releaseService();
            selectService(HttpResponseStatus.GATEWAY_TIMEOUT, "the service did not answer in time");
        } else {
            fail(HttpResponseStatus.GATEWAY_TIMEOUT, "the service did not answer in time");
        }
    }

    private void serverBroken(String why) {
        if (responseStarted) {
            abort();
            client.exchangeBroken(this);
        } else {
            fail(HttpResponseStatus.BAD_GATEWAY, why);
        }
    }

    private void fail(HttpResponseStatus status, String detail) {
        log.debug("{}: {} {}", client.connection().channel(), status, detail);
        abort();
        client.exchangeFailed(this, status, detail);
    }

    /** Ends the exchange without a response from the service: the client left, or the exchange failed. */
    void abort() {
        if (finished) {
            return;
        }
        finished = true;
        releaseService();
        if (buffered != null) {
            buffered.forEach(ReferenceCountUtil::release);
            buffered.clear();
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private void releaseService() {
        if (service != null) {
            service.release();
            service = null;
        }
    }

    /** Whether the request's method is HEAD (its response has no body whatever its head says). */
    boolean isHead() {
        return HttpMethod.HEAD.equals(request.method());
    }
}
