package io.spillway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.runtime.LoadBalancer;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One proxied HTTP request and its response, named by its legs as Jetty names them:
 * {@code clientToProxyRequest} arrives at {@link HttpFrontendHandler}, which starts an exchange;
 * the exchange picks a service with the vServer's method and sends {@code proxyToServerRequest}
 * over a pooled keep-alive connection (or a new one); {@code serverToProxyResponse} comes back
 * through {@link HttpBackendHandler} and leaves as {@code proxyToClientResponse}.
 *
 * <p>The service slot is held for the request's duration (for http, a service's active count is
 * its in-flight requests) and released exactly once, whichever way the exchange ends: complete,
 * failed with a 502/503/504, or aborted by the client going away. A service that refuses or
 * fails the connect is released and another one selected, excluding those tried; a reused
 * connection that turns out to have been closed by the service is replaced once by a fresh
 * one when nothing of the request body was sent yet. Bodies stream in both directions, with
 * reads paused while the other side's buffer is above its high water mark. Runs entirely on
 * the client connection's event loop.
 */
final class HttpExchange {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpExchange.class);

    private final HttpFrontendHandler front;
    private final Channel client;
    private final HttpRequest request;
    private final boolean clientKeepAlive;
    private final HttpVersion clientVersion;
    private final boolean head;

    private ArrayDeque<HttpContent> buffered;
    private long excluded;
    private int attempts;
    private Service service;
    private Channel backend;
    private HttpBackendHandler backendHandler;
    private boolean reused;
    private boolean retriedStale;
    private boolean requestComplete;
    private long bodyBytesSent;
    private boolean informational;
    private boolean dropInformational;
    private boolean responseStarted;
    private boolean backendKeepAlive;
    private boolean closeClientAfter;
    private boolean finished;
    private long startNanos;

    private final ChannelFutureListener backendWriteListener = f -> {
        if (!f.isSuccess()) {
            backendFailed(f.channel(), "writing to the service failed");
        }
    };

    HttpExchange(HttpFrontendHandler front, HttpRequest request, HttpVersion clientVersion, boolean clientKeepAlive) {
        this.front = front;
        this.client = front.client();
        this.request = request;
        this.clientVersion = clientVersion;
        this.clientKeepAlive = clientKeepAlive;
        this.head = HttpMethod.HEAD.equals(request.method());
    }

    boolean requestComplete() {
        return requestComplete;
    }

    /** Whether the client connection may be read: the request body only flows while the service keeps up. */
    boolean acceptsClientData() {
        return requestComplete || (backend != null && backend.isWritable());
    }

    void start() {
        selectService();
    }

    private void selectService() {
        VirtualServer vs = front.vserver();
        Service s = attempts++ < vs.services().size() ? vs.loadBalancer().select(front.clientHash(), excluded) : null;
        if (s == null) {
            if (attempts == 1) {
                fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "no service is available");
            } else {
                fail(HttpResponseStatus.BAD_GATEWAY, "no service could be reached");
            }
            return;
        }
        service = s;
        excluded |= LoadBalancer.bit(vs.loadBalancer().indexOf(s));
        Channel pooled = front.pool().poll(s);
        if (pooled != null) {
            attach(pooled, true);
        } else {
            connect();
        }
    }

    private void connect() {
        Route route = front.route();
        Service s = service;
        UpstreamPool pool = front.pool();
        int maxHeader = route.config().limits().maxHeaderSize();
        long idle = route.idleTimeoutMillis();
        ChannelFuture f = front.connector().connect(route.resources().upstream(s), client.eventLoop(),
                route.connectTimeoutMillis(), true, p -> {
                    p.addLast("codec", new HttpClientCodec(new HttpDecoderConfig()
                            .setMaxInitialLineLength(8192)
                            .setMaxHeaderSize(Math.max(maxHeader, 8192))
                            .setMaxChunkSize(65536), false, false));
                    p.addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
                    p.addLast("backend", new HttpBackendHandler(s, pool));
                });
        f.addListener((ChannelFutureListener) this::connected);
    }

    private void connected(ChannelFuture f) {
        if (finished) {
            f.channel().close();
        } else if (f.isSuccess()) {
            attach(f.channel(), false);
        } else {
            log.debug("{}: connect to {} failed: {}", client, service.name(), f.cause().toString());
            releaseService();
            selectService();
        }
    }

    private void attach(Channel ch, boolean pooled) {
        backend = ch;
        reused = pooled;
        backendHandler = ch.pipeline().get(HttpBackendHandler.class);
        backendHandler.attach(this);
        startNanos = System.nanoTime();
        ch.write(request).addListener(backendWriteListener);
        boolean wroteLast = false;
        if (buffered != null) {
            for (HttpContent c = buffered.poll(); c != null; c = buffered.poll()) {
                wroteLast |= c instanceof LastHttpContent;
                bodyBytesSent += c.content().readableBytes();
                ch.write(c).addListener(backendWriteListener);
            }
        }
        if (retriedStale && requestComplete && !wroteLast) {
            // the end of an empty body went to the connection that died
            ch.write(LastHttpContent.EMPTY_LAST_CONTENT).addListener(backendWriteListener);
        }
        ch.flush();
        front.updateReading();
    }

    /** {@code clientToProxyRequest}: a part of the request body. */
    void clientContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
        }
        if (finished) {
            c.release();
        } else if (backend == null) {
            if (buffered == null) {
                buffered = new ArrayDeque<>(4);
            }
            buffered.add(c);
        } else {
            bodyBytesSent += c.content().readableBytes();
            if (last) {
                backend.writeAndFlush(c).addListener(backendWriteListener);
            } else {
                backend.write(c).addListener(backendWriteListener);
            }
        }
    }

    void flushToBackend() {
        if (backend != null) {
            backend.flush();
        }
    }

    /** {@code serverToProxyResponse}: the response head or a part of its body. */
    void backendRead(Channel from, Object msg) {
        if (finished || from != backend) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            if (r.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                backendBroken("the service sent an invalid response");
                return;
            }
            int code = r.status().code();
            if (code == 101) {
                ReferenceCountUtil.release(msg);
                backendBroken("protocol upgrades are not proxied");
                return;
            }
            if (code < 200) {
                informational = true;
                if (clientVersion.majorVersion() == 1 && clientVersion.minorVersion() == 0) {
                    // HTTP/1.0 has no 1xx (RFC 9110 section 15.2): its client would take this for the answer
                    dropInformational = true;
                    ReferenceCountUtil.release(msg);
                    return;
                }
                ProxyHeaders.toClient(r);
                client.writeAndFlush(r);
                return;
            }
            responseStarted = true;
            backendKeepAlive = HttpUtil.isKeepAlive(r);
            ProxyHeaders.toClient(r);
            prepareForClient(r);
            client.write(r);
        }
        if (msg instanceof HttpContent c) {
            if (c.decoderResult().isFailure()) {
                c.release();
                backendBroken("the service sent an invalid body");
            } else if (informational) {
                // the empty end of a 1xx response: the client's encoder expects it before the final response
                informational = !(c instanceof LastHttpContent);
                if (dropInformational) {
                    c.release();
                } else {
                    client.writeAndFlush(c);
                }
            } else if (!responseStarted) {
                c.release();
            } else if (c instanceof LastHttpContent) {
                // recorded before the client can have the end of the response
                service.responseTime().record(System.nanoTime() - startNanos);
                client.writeAndFlush(c);
                complete();
            } else {
                client.write(c);
                if (!client.isWritable()) {
                    backend.config().setAutoRead(false);
                }
            }
        }
    }

    /** {@code proxyToClientResponse} framing: keep-alive as the client asked, chunked where the length is unknown. */
    private void prepareForClient(HttpResponse r) {
        boolean close = !clientKeepAlive || front.isClosing();
        boolean chunked = HttpUtil.isTransferEncodingChunked(r);
        boolean http10 = clientVersion.minorVersion() == 0 && clientVersion.majorVersion() == 1;
        if (!chunked && !r.headers().contains(HttpHeaderNames.CONTENT_LENGTH) && mayHaveBody(r)) {
            if (http10) {
                close = true;
            } else {
                HttpUtil.setTransferEncodingChunked(r, true);
            }
        } else if (chunked && http10) {
            r.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            close = true;
        }
        if (close) {
            closeClientAfter = true;
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    private boolean mayHaveBody(HttpResponse r) {
        int code = r.status().code();
        return !head && code != 204 && code != 304;
    }

    void flushToClient() {
        client.flush();
    }

    void backendWritabilityChanged() {
        front.updateReading();
    }

    void clientWritabilityChanged() {
        if (backend != null && client.isWritable()) {
            backend.config().setAutoRead(true);
        }
    }

    private void complete() {
        finished = true;
        Service s = service;
        releaseService();
        Channel b = backend;
        backend = null;
        backendHandler.detach();
        if (backendKeepAlive && requestComplete && b.isActive()) {
            b.config().setAutoRead(true);
            front.pool().offer(s, b);
        } else {
            b.close();
        }
        front.exchangeDone(this, closeClientAfter || !requestComplete || !clientKeepAlive);
    }

    /** The service connection closed or failed a write before the response was complete. */
    void backendFailed(Channel from, String why) {
        if (finished || from != backend) {
            return;
        }
        log.debug("{}: {} (response started: {}, reused: {})", client, why, responseStarted, reused);
        if (!responseStarted && reused && !retriedStale && bodyBytesSent == 0 && ProxyHeaders.isIdempotent(request.method())) {
            // a pooled connection the service had already closed: one fresh connect, same service;
            // only for idempotent methods, which RFC 9110 9.2.2 lets a proxy send again
            retriedStale = true;
            backendHandler.detach();
            backend = null;
            from.close();
            connect();
            return;
        }
        backendBroken(why);
    }

    void backendTimedOut(Channel from) {
        if (finished || from != backend) {
            return;
        }
        if (responseStarted) {
            abort();
            front.closeClient();
        } else {
            fail(HttpResponseStatus.GATEWAY_TIMEOUT, "the service did not answer in time");
        }
    }

    private void backendBroken(String why) {
        if (responseStarted) {
            abort();
            front.closeClient();
        } else {
            fail(HttpResponseStatus.BAD_GATEWAY, why);
        }
    }

    private void fail(HttpResponseStatus status, String detail) {
        log.debug("{}: {} {}", client, status, detail);
        abort();
        front.exchangeFailed(status, detail);
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
        if (backend != null) {
            backendHandler.detach();
            backend.close();
            backend = null;
        }
    }

    private void releaseService() {
        if (service != null) {
            service.release();
            service = null;
        }
    }
}
