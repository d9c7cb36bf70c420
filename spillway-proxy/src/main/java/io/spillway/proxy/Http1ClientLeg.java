package io.spillway.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.runtime.Service;

import java.util.ArrayDeque;

/**
 * An HTTP/1.1 client connection of an http or https vServer, as the {@link ClientLeg} of one
 * {@link ProxiedExchange} at a time (SPEC S1, S5, S8). The connection was admitted once, by
 * {@link AdmissionHandler}; each of its requests becomes an exchange with a service of the
 * admitting vServer. Requests are answered in order: a pipelined request waits in a short queue,
 * and reading stops while it waits.
 *
 * <p>What is HTTP/1.1 here and nowhere else: framing the response for this client (keep-alive as
 * it asked, chunked where the length is unknown, close-delimited for HTTP/1.0), dropping 1xx for
 * HTTP/1.0 clients, closing after a request the connection cannot be reused for, and the switch
 * to a {@link Relay} after {@code 101}.
 *
 * <p>A connection refused by a full chain with {@code whenFull: redirect} has no vServer: its
 * first request head is read (bounded by the header timeout) and answered with a 302 to the
 * redirect URL. A request the codec could not decode gets 400, 414 (request line too long) or
 * 431 (headers too large), and the connection closes; so does one whose head does not arrive
 * within the header timeout (408), or whose body is late and slower than the minimum rate
 * (408). {@code CONNECT} gets 405; a client over {@code limits.perClient} gets 429.
 */
final class Http1ClientLeg extends ChannelInboundHandlerAdapter implements ClientLeg {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Http1ClientLeg.class);

    private final ClientConnection connection;
    private final String scheme;
    /** Messages of requests behind the current one; created by the first pipelined request. */
    private ArrayDeque<Object> pending;

    private Channel client;
    private ReadGate gate;
    private String clientIp;
    private ProxiedExchange exchange;
    private HttpVersion requestVersion;
    private boolean keepAlive;
    private boolean closeAfterResponse;
    private boolean responseStarted;
    private boolean draining;
    private boolean closing;
    private boolean inputShutdown;

    Http1ClientLeg(ClientConnection connection, String scheme) {
        this.connection = connection;
        this.scheme = scheme;
    }

    @Override
    public ClientConnection connection() {
        return connection;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        gate = new ReadGate(client, 0);
        clientIp = connection.address().getHostAddress();
        ctx.fireChannelActive();
    }

    // ---- clientToProxyRequest ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (noPending()) {
            dispatch(msg);
        } else {
            pend(msg);
        }
        updateReading();
    }

    private void dispatch(Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (exchange == null) {
            clientToProxyRequest(msg);
        } else if (!exchange.requestComplete() && msg instanceof HttpContent c) {
            if (c.decoderResult().isFailure()) {
                c.release();
                exchange.abort();
                exchange = null;
                respondAndClose(HttpResponseStatus.BAD_REQUEST, "malformed request body");
            } else {
                bodyProgress(c);
                exchange.clientContent(c);
            }
        } else {
            pend(msg);
        }
    }

    private void bodyProgress(HttpContent c) {
        ClientTimer timer = connection.timer();
        timer.bodyReceived(c.content().readableBytes());
        if (c instanceof LastHttpContent) {
            timer.bodyDone();
        }
    }

    private void clientToProxyRequest(Object msg) {
        if (!(msg instanceof HttpRequest req)) {
            // the rest of a request already answered, or a body the codec could not frame
            boolean bad = msg instanceof HttpContent c && c.decoderResult().isFailure();
            ReferenceCountUtil.release(msg);
            if (bad) {
                respondAndClose(HttpResponseStatus.BAD_REQUEST, "malformed request");
            }
            return;
        }
        connection.timer().headReceived();
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            ReferenceCountUtil.release(msg);
            if (cause instanceof TooLongHttpHeaderException) {
                respondAndClose(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers are too large");
            } else if (cause instanceof TooLongHttpLineException) {
                respondAndClose(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line is too long");
            } else {
                respondAndClose(HttpResponseStatus.BAD_REQUEST, "malformed request");
            }
            return;
        }
        if (connection.isOverClientLimit()) {
            ReferenceCountUtil.release(msg);
            respondAndClose(HttpResponseStatus.TOO_MANY_REQUESTS, "too many connections from this client");
            return;
        }
        if (connection.vserver() == null) {
            ReferenceCountUtil.release(msg);
            String url = connection.route().chain().redirectUrl();
            closing = true;
            if (url == null) {
                writeAndClose(HttpResponses.error(client.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "all virtual servers are full"));
            } else {
                writeAndClose(HttpResponses.redirect(client.alloc(), url));
            }
            return;
        }
        HttpVersion version = req.protocolVersion();
        boolean http11 = version.majorVersion() == 1 && version.minorVersion() == 1;
        if (http11 && !req.headers().contains(HttpHeaderNames.HOST)) {
            ReferenceCountUtil.release(msg);
            respondAndClose(HttpResponseStatus.BAD_REQUEST, "missing Host header");
            return;
        }
        if (HttpMethod.CONNECT.equals(req.method())) {
            ReferenceCountUtil.release(msg);
            respondAndClose(HttpResponseStatus.METHOD_NOT_ALLOWED, "CONNECT is not proxied");
            return;
        }
        requestVersion = version;
        keepAlive = HttpUtil.isKeepAlive(req);
        closeAfterResponse = false;
        responseStarted = false;
        if (!(msg instanceof LastHttpContent) && (HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0)) {
            connection.timer().bodyExpected();
        }
        // RFC 9110 7.8: an upgrade needs Connection: upgrade, and is ignored in an HTTP/1.0 request
        boolean upgrade = http11 && req.headers().contains(HttpHeaderNames.UPGRADE)
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
        ProxyHeaders.toService(req, clientIp, scheme, upgrade);
        ProxiedExchange ex = new ProxiedExchange(this, req, upgrade);
        exchange = ex;
        ex.start();
        if (msg instanceof HttpContent c) {
            if (exchange == ex) {
                bodyProgress(c);
                ex.clientContent(c);
            } else {
                c.release();
            }
        }
    }

    private boolean noPending() {
        return pending == null || pending.isEmpty();
    }

    private Object peekPending() {
        return pending == null ? null : pending.peek();
    }

    private void pend(Object msg) {
        if (pending == null) {
            pending = new ArrayDeque<>(2);
        }
        pending.add(msg);
    }

    /** Reads from the client only while the current exchange can take the data and nothing waits. */
    private void updateReading() {
        if (client == null) {
            return;
        }
        gate.set(ReadGate.CLOSING, closing || inputShutdown);
        gate.set(ReadGate.PIPELINED, !noPending());
        gate.set(ReadGate.PEER_FULL, exchange != null && !exchange.acceptsClientData());
        // what follows an upgrade request may be another protocol's: not read until the answer is known
        gate.set(ReadGate.UPGRADE_PENDING, exchange != null && exchange.upgradeRequested() && exchange.requestComplete());
    }

    @Override
    public void requestFlowChanged() {
        updateReading();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushToServer();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientWritabilityChanged(client.isWritable());
        }
    }

    // ---- proxyToClientResponse ----

    @Override
    public void proxyToClientInterim(HttpObject part) {
        if (isHttp10()) {
            ReferenceCountUtil.release(part);
        } else {
            client.writeAndFlush(part);
        }
    }

    @Override
    public void proxyToClientResponse(HttpObject part) {
        if (part instanceof HttpResponse r) {
            frameForClient(r);
        }
        if (part instanceof LastHttpContent) {
            client.writeAndFlush(part);
        } else {
            client.write(part);
        }
    }

    /** Keep-alive as the client asked, chunked where the length is unknown, close-delimited for HTTP/1.0. */
    private void frameForClient(HttpResponse r) {
        responseStarted = true;
        boolean close = !keepAlive || closing || draining;
        boolean chunked = HttpUtil.isTransferEncodingChunked(r);
        boolean http10 = isHttp10();
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
            closeAfterResponse = true;
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    private boolean mayHaveBody(HttpResponse r) {
        int code = r.status().code();
        return !exchange.isHead() && code != 204 && code != 304;
    }

    private boolean isHttp10() {
        return requestVersion.majorVersion() == 1 && requestVersion.minorVersion() == 0;
    }

    @Override
    public void flushToClient() {
        client.flush();
    }

    @Override
    public boolean isWritable() {
        return client.isWritable();
    }

    @Override
    public void exchangeComplete(ProxiedExchange done) {
        if (exchange != done) {
            return;
        }
        exchange = null;
        if (closeAfterResponse || !done.requestComplete() || !keepAlive || draining) {
            closing = true;
            updateReading();
            Relay.closeOnFlush(client);
            return;
        }
        connection.timer().awaitNextHead();
        for (Object m = peekPending(); m != null && (exchange == null || !exchange.requestComplete()); m = peekPending()) {
            pending.poll();
            dispatch(m);
        }
        closeIfClientIsDone();
        updateReading();
    }

    @Override
    public void exchangeFailed(ProxiedExchange failed, HttpResponseStatus status, String detail) {
        if (exchange == failed) {
            exchange = null;
            respondAndClose(status, detail);
        }
    }

    @Override
    public void exchangeBroken(ProxiedExchange broken) {
        if (exchange == broken) {
            exchange = null;
            closing = true;
            client.close();
        }
    }

    @Override
    public void upgrade(ProxiedExchange ex, HttpResponse response, ServerLeg server, Service service) {
        client.closeFuture().addListener(f -> service.release());
        if (exchange != ex || !noPending() || !client.isActive()) {
            // bytes the client sent before it had the 101 were read as HTTP: they cannot be relayed
            exchange = null;
            server.close();
            closing = true;
            client.close();
            return;
        }
        exchange = null;
        client.write(response);
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        connection.timer().tunnel(connection.route().tunnelTimeoutMillis());
        Channel serverChannel = server.channel();
        Relay.start(client, serverChannel);
        client.pipeline().remove(this);
        client.pipeline().remove(ClientPipeline.CODEC);
        server.removeProtocolHandlers();
    }

    /** A client that half-closed after its last request is closed once that request is answered. */
    private void closeIfClientIsDone() {
        if (inputShutdown && exchange == null && noPending() && !closing) {
            closing = true;
            Relay.closeOnFlush(client);
        }
    }

    private void respondAndClose(HttpResponseStatus status, String detail) {
        closing = true;
        writeAndClose(HttpResponses.error(client.alloc(), status, detail));
    }

    private void writeAndClose(Object response) {
        gate.close(ReadGate.CLOSING);
        client.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientTimer.HEAD_TIMEOUT) {
            if (exchange == null && !closing) {
                respondAndClose(HttpResponseStatus.REQUEST_TIMEOUT, "the request head did not arrive in time");
            }
        } else if (evt == ClientConnection.DRAIN) {
            // the appliance stops: the request in flight is answered with Connection: close, an idle connection closes now
            draining = true;
            if (exchange == null && !closing) {
                closing = true;
                updateReading();
                Relay.closeOnFlush(client);
            }
        } else if (evt == ClientTimer.BODY_TIMEOUT) {
            if (exchange != null && !exchange.requestComplete()) {
                exchange.abort();
                exchange = null;
                if (responseStarted) {
                    closing = true;
                    ctx.close();
                } else {
                    respondAndClose(HttpResponseStatus.REQUEST_TIMEOUT, "the request body did not arrive in time");
                }
            }
        } else if (evt instanceof IdleStateEvent) {
            // while a request is in flight the service connection's own idle timer decides
            // (a 504 when the service never answered), so the client learns what happened
            if (exchange == null) {
                ctx.close();
            }
        } else if (evt instanceof ChannelInputShutdownEvent) {
            // the client sent FIN: answer what it asked for, then close (a truncated request is dropped)
            inputShutdown = true;
            if (exchange != null && !exchange.requestComplete()) {
                exchange.abort();
                exchange = null;
                ctx.close();
            } else {
                closeIfClientIsDone();
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (exchange != null) {
            exchange.abort();
            exchange = null;
        }
        for (Object m = peekPending(); m != null; m = peekPending()) {
            pending.poll();
            ReferenceCountUtil.release(m);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {} after an error", ctx.channel(), cause);
        ctx.close();
    }
}
