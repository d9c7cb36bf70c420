package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.runtime.FailureReason;
import io.spillway.core.runtime.Service;
import io.spillway.proxy.internal.http1.Http1DecodeFailure;
import io.spillway.proxy.internal.http1.Http1End;
import io.spillway.proxy.internal.http1.Http1Method;
import io.spillway.proxy.internal.http1.ResponseHead;

import java.util.ArrayDeque;

/**
 * One proxied HTTP request and its response, between a {@link ClientLeg} and a
 * {@link ServerLeg}, with the four legs named as Jetty 12's {@code ProxyHandler} names them:
 * {@code clientToProxyRequest} (the client leg hands over the request head, already in the form
 * it goes to the service, and its body), {@code proxyToServerRequest} (written to the server
 * leg), {@code serverToProxyResponse} (the server leg hands back the response) and
 * {@code proxyToClientResponse} (given to the client leg, which frames it for its client).
 *
 * <p>What it decides: which service serves the request (the vServer's method, with failover
 * over {@link ServiceAttempts} when a connect fails); whether a request that met a dead reused
 * connection is sent again (once, on a fresh connection to the same service, and only when
 * its method is idempotent and nothing of its body was sent, RFC 9110 9.2.2) or goes to another
 * service after the first sent nothing for {@code timeouts.server} (same conditions, and
 * nothing of a response sent to the client yet); which response parts are interim (1xx) and
 * which final; a {@code 101} answering a request that asked for an upgrade turns the pair into a
 * tunnel, any other {@code 101} is a bad gateway; the service's response time (S1,
 * leastresponsetime) from request sent to response complete.
 *
 * <p>The service slot is held for the request's duration (for http, a service's active count is
 * its in-flight requests) and released exactly once, whichever way the exchange ends: complete,
 * failed with a 502/503/504, aborted by the client going away, or, after a 101, by the tunnel's
 * close. The forwarded head is kept (one buffer) until the exchange ends, so that it can be sent
 * again. Bodies stream in both directions, each side read only while the other can take more.
 * Runs entirely on the client connection's event loop.
 */
final class ProxiedExchange {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProxiedExchange.class);

    private final ClientLeg client;
    private final ByteBuf head;
    private final Http1Method method;
    private final boolean upgradeRequested;
    private final boolean decodeChunked;
    private final ServiceAttempts attempts;

    /** Body parts that arrived before a server leg was there; an {@link Http1End} ends them. */
    private ArrayDeque<Object> buffered;
    private Service service;
    private String servedBy;
    private ServerLeg server;
    private boolean retriedStale;
    private boolean requestComplete;
    private long bodyBytesSent;
    private boolean informational;
    private boolean interimSent;
    private ResponseHead switching;
    private boolean responseStarted;
    private boolean finished;
    private long startNanos;

    /**
     * @param head             the request head as it goes to the service; the exchange owns it
     * @param upgradeRequested the request asks for a protocol upgrade (RFC 9110 7.8)
     * @param decodeChunked    a chunked response is to be decoded for this client (HTTP/1.0)
     */
    ProxiedExchange(ClientLeg client, ByteBuf head, Http1Method method, boolean upgradeRequested, boolean decodeChunked) {
        this.client = client;
        this.head = head;
        this.method = method;
        this.upgradeRequested = upgradeRequested;
        this.decodeChunked = decodeChunked;
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
        selectService(502, "no service could be reached");
    }

    /** Picks the next service; when none is left, answers {@code exhausted} (or 503 when none was UP). */
    private void selectService(int exhausted, String why) {
        Service s = attempts.next();
        if (s == null) {
            if (attempts.triedBefore()) {
                fail(exhausted, why);
            } else {
                fail(503, "no service is available");
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
        servedBy = service.name();
        leg.attach(this);
        startNanos = System.nanoTime();
        leg.writeHead(head.retainedDuplicate(), method, decodeChunked);
        if (buffered != null) {
            for (Object part = buffered.poll(); part != null; part = buffered.poll()) {
                if (part instanceof ByteBuf content) {
                    bodyBytesSent += content.readableBytes();
                    leg.write(content);
                } else {
                    ((Http1End) part).release();
                }
            }
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
        service.recordFailure(FailureReason.CONNECT);
        releaseService();
        selectService(502, "no service could be reached");
    }

    /** {@code clientToProxyRequest}: a part of the request body. */
    void clientContent(ByteBuf content) {
        if (finished) {
            content.release();
        } else if (server == null) {
            buffer(content);
        } else {
            bodyBytesSent += content.readableBytes();
            server.write(content);
        }
    }

    /** {@code clientToProxyRequest}: the end of the request (its framing went with the body). */
    void clientEnd(Http1End end) {
        requestComplete = true;
        if (finished) {
            end.release();
        } else if (server == null) {
            buffer(end);
        } else {
            end.release();
            server.flush();
        }
    }

    private void buffer(Object part) {
        if (buffered == null) {
            buffered = new ArrayDeque<>(4);
        }
        buffered.add(part);
    }

    /** The client leg finished a read batch. */
    void flushToServer() {
        if (server != null) {
            server.flush();
        }
    }

    /** {@code serverToProxyResponse}: a response head (interim or final). */
    void serverHead(ServerLeg from, ResponseHead r) {
        if (finished || from != server) {
            r.release();
            return;
        }
        if (r.isSwitchingProtocols()) {
            if (!upgradeRequested || !requestComplete) {
                r.release();
                service.recordFailure(FailureReason.BAD_RESPONSE);
                serverBroken("the service switched protocols unasked");
                return;
            }
            switching = r; // switched at the end of the 101 message, when the decoder lets go
            return;
        }
        if (r.isInterim()) {
            informational = true;
            interimSent = true;
            client.proxyToClientInterim(r);
            return;
        }
        if (upgradeRequested) {
            client.upgradeRefused(this);
        }
        service.recordResponse(r.status());
        responseStarted = true;
        client.proxyToClientResponse(r);
    }

    /** {@code serverToProxyResponse}: a part of the response body. */
    void serverContent(ServerLeg from, ByteBuf content) {
        if (finished || from != server || !responseStarted) {
            content.release();
            return;
        }
        client.proxyToClientContent(content);
        if (!client.isWritable()) {
            server.pauseReading(true);
        }
    }

    /** {@code serverToProxyResponse}: the end of an interim or final response. */
    void serverEnd(ServerLeg from, Http1End end) {
        if (finished || from != server) {
            end.release();
            return;
        }
        if (switching != null) {
            end.release();
            switchProtocols();
        } else if (informational) {
            informational = false;
            end.release();
        } else if (responseStarted) {
            // recorded before the client can have the end of the response
            service.recordServedTime(System.nanoTime() - startNanos);
            client.proxyToClientEnd(end);
            complete();
        } else {
            end.release();
        }
    }

    /** The service's response could not be decoded. */
    void serverDecodeFailed(ServerLeg from, Http1DecodeFailure failure) {
        if (!finished && from == server) {
            service.recordFailure(FailureReason.BAD_RESPONSE);
            serverBroken("the service sent an invalid response: " + failure.reason());
        }
    }

    private void switchProtocols() {
        finished = true;
        service.recordResponse(101);
        service.recordServedTime(System.nanoTime() - startNanos);
        Service s = service;
        service = null; // the tunnel holds the slot now
        ServerLeg leg = server;
        server = null;
        ResponseHead r = switching;
        switching = null;
        head.release();
        client.upgrade(this, r, leg, s);
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
        head.release();
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
        service.recordFailure(FailureReason.RESET);
        if (!responseStarted && !interimSent && from.isReused() && !retriedStale && bodyBytesSent == 0 && method.isIdempotent()) {
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
        service.recordFailure(FailureReason.TIMEOUT);
        if (responseStarted) {
            abort();
            client.exchangeBroken(this);
        } else if (!interimSent && bodyBytesSent == 0 && method.isIdempotent()) {
            server = null;
            from.close();
            releaseService();
            selectService(504, "the service did not answer in time");
        } else {
            fail(504, "the service did not answer in time");
        }
    }

    private void serverBroken(String why) {
        if (responseStarted) {
            abort();
            client.exchangeBroken(this);
        } else {
            fail(502, why);
        }
    }

    private void fail(int status, String detail) {
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
        head.release();
        if (switching != null) {
            switching.release();
            switching = null;
        }
        if (buffered != null) {
            for (Object part = buffered.poll(); part != null; part = buffered.poll()) {
                ReferenceCountUtil.release(part);
            }
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

    /** The service whose connection the request went to last (null when none was reached). */
    String servedBy() {
        return servedBy;
    }

    /** Whether the request's method is HEAD (its response has no body whatever its head says). */
    boolean isHead() {
        return method == Http1Method.HEAD;
    }
}
