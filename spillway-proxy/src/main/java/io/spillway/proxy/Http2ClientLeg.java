package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.log.AccessAction;
import io.spillway.core.runtime.Service;
import io.spillway.proxy.internal.http1.Http1End;
import io.spillway.proxy.internal.http1.Http1Exception;
import io.spillway.proxy.internal.http1.Http1Method;
import io.spillway.proxy.internal.http1.RequestHead;
import io.spillway.proxy.internal.http1.ResponseHead;

import java.nio.charset.StandardCharsets;

/**
 * One HTTP/2 stream of a client connection, as the {@link ClientLeg} of one
 * {@link ProxiedExchange} (SPEC S1, S5, S8). The connection was admitted once, by
 * {@link AdmissionHandler}, before its preface was read; its streams share that vServer slot,
 * so spillover counts the connection, not its streams. Each stream is a child channel of
 * Netty's {@code Http2MultiplexHandler}; this handler is its whole pipeline.
 *
 * <p>The request's HEADERS become the HTTP/1.1 head they stand for ({@link Http2Messages}),
 * checked by the same parser as an HTTP/1.1 client's and forwarded by the same
 * {@code RequestHeadWriter}. A body of unknown length is framed as chunks on its way into the
 * exchange, so that every server leg gets a well-framed HTTP/1.1 message; the exchange is asked
 * for chunked responses decoded, so that DATA frames carry only data and the trailers (gRPC's
 * {@code grpc-status}) arrive with the end and go out as a trailing HEADERS frame.
 *
 * <p>A response head is held until its first data or its end, so that a bodiless response is
 * one HEADERS frame with END_STREAM. Flow control is HTTP/2's own: the stream's reads stop
 * while the service cannot take more of the body (the window is then not given back to the
 * client), and the service's reads stop while this stream is not writable.
 *
 * <p>Answers of the proxy's own (redirect of a full chain, 429, 400, 405, 502-504) end the
 * stream, not the connection; a response that breaks after it started resets the stream. A
 * stream whose response cannot go out for {@code timeouts.send} because the client gives no
 * flow-control window (a zero window holds a service slot as surely as an unread socket) is
 * reset with CANCEL, and its exchange ends.
 */
final class Http2ClientLeg extends ChannelInboundHandlerAdapter implements ClientLeg {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Http2ClientLeg.class);

    private final ClientConnection connection;
    private final Http2ClientConnection owner;
    private Channel stream;
    private ReadGate gate;
    private ProxiedExchange exchange;
    private boolean started;
    private boolean chunked;
    private boolean headRequest;
    private Http2Headers pendingHeaders;
    private boolean ended;
    /** The client's END_STREAM arrived: its side of the stream is closed. */
    private boolean clientEnded;
    private StreamSendTimeout sendTimeout;
    private final RequestRecord record;

    Http2ClientLeg(ClientConnection connection, Http2ClientConnection owner) {
        this.connection = connection;
        this.owner = owner;
        this.record = new RequestRecord(connection);
    }

    @Override
    public ClientConnection connection() {
        return connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        stream = ctx.channel();
        gate = new ReadGate(stream, 0);
        sendTimeout = new StreamSendTimeout((Http2StreamChannel) stream,
                connection.route().config().timeouts().send().toMillis(), () -> ended, this::sendTimedOut);
    }

    // ---- clientToProxyRequest ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2StreamFrame frame && isEndStream(frame)) {
                clientEnded = true;
            }
            if (msg instanceof Http2HeadersFrame headers) {
                if (!started) {
                    clientToProxyRequest(headers);
                } else {
                    requestTrailers(headers);
                }
            } else if (msg instanceof Http2DataFrame data) {
                requestData(data);
                return; // the content went on (or was released)
            }
        } finally {
            updateReading();
        }
        ReferenceCountUtil.release(msg);
    }

    private static boolean isEndStream(Http2StreamFrame frame) {
        return frame instanceof Http2HeadersFrame h ? h.isEndStream()
                : frame instanceof Http2DataFrame d && d.isEndStream();
    }

    private void clientToProxyRequest(Http2HeadersFrame frame) {
        started = true;
        Http2Headers h = frame.headers();
        startRequest(h);
        ClientConnection.Refusal refusal = connection.refusal();
        if (refusal != null) {
            respond(refusal.status(), refusal.detail(), refusal.location(), refusal.action());
            return;
        }
        if (AsciiString.contentEquals("CONNECT", h.method())) {
            respond(405, "CONNECT is not proxied", null, AccessAction.SERVED);
            return;
        }
        RequestHead head;
        try {
            head = owner.parse(stream.alloc(), h, !frame.isEndStream());
        } catch (Http1Exception e) {
            respond(e.status(), e.getMessage(), null, AccessAction.SERVED);
            return;
        }
        if (head == null) {
            respond(400, "malformed request headers", null, AccessAction.SERVED);
            return;
        }
        chunked = head.isChunked();
        Http1Method m = head.method();
        headRequest = m == Http1Method.HEAD;
        ByteBuf forwarded = owner.headWriter().write(stream.alloc(), head);
        head.release();
        exchange = new ProxiedExchange(this, forwarded, m, false, true);
        exchange.start();
        if (frame.isEndStream() && exchange != null) {
            exchange.clientEnd(Http1End.EMPTY);
        }
    }

    private void requestData(Http2DataFrame data) {
        ByteBuf content = data.content();
        record.received(content.readableBytes());
        ProxiedExchange ex = exchange;
        if (ex == null || ex.requestComplete()) {
            data.release();
            return;
        }
        if (content.isReadable()) {
            ex.clientContent(chunked ? Http2Messages.chunk(stream.alloc(), content) : content);
        } else {
            content.release();
        }
        if (data.isEndStream() && exchange == ex) {
            endRequest(null);
        }
    }

    private void requestTrailers(Http2HeadersFrame frame) {
        if (exchange != null && !exchange.requestComplete()) {
            endRequest(frame.headers());
        }
    }

    /** The request's end: for a chunked body its last chunk, with the request's trailers if any. */
    private void endRequest(Http2Headers trailers) {
        if (chunked) {
            exchange.clientContent(Http2Messages.lastChunk(stream.alloc(), trailers));
        }
        exchange.clientEnd(Http1End.EMPTY);
        exchange.flushToServer();
    }

    private void updateReading() {
        if (gate != null) {
            gate.set(ReadGate.PEER_FULL, exchange != null && !exchange.acceptsClientData());
        }
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
            exchange.clientWritabilityChanged(stream.isWritable());
        }
        sendTimeout.watch();
        ctx.fireChannelWritabilityChanged();
    }

    private void sendTimedOut() {
        log.debug("{}: the client gave no window for the send timeout", stream);
        abort();
        reset(Http2Error.CANCEL);
    }

    // ---- proxyToClientResponse ----

    @Override
    public void proxyToClientInterim(ResponseHead head) {
        Http2Headers h = Http2Messages.responseHeaders(head);
        head.release();
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(h, false));
    }

    @Override
    public void proxyToClientResponse(ResponseHead head) {
        record.status(head.status());
        pendingHeaders = Http2Messages.responseHeaders(head);
        head.release();
    }

    private void sendPendingHeaders(boolean endStream) {
        if (pendingHeaders != null) {
            stream.write(new DefaultHttp2HeadersFrame(pendingHeaders, endStream), stream.voidPromise());
            pendingHeaders = null;
        }
    }

    @Override
    public void proxyToClientContent(ByteBuf content) {
        sendPendingHeaders(false);
        if (headRequest || !content.isReadable()) {
            content.release();
            return;
        }
        record.sent(content.readableBytes());
        stream.write(new DefaultHttp2DataFrame(content, false), stream.voidPromise());
    }

    @Override
    public void proxyToClientEnd(Http1End end) {
        Http2Headers trailers = Http2Messages.trailers(end.trailers());
        end.release();
        ended = true;
        if (pendingHeaders != null && trailers == null) {
            sendPendingHeaders(true);
        } else {
            sendPendingHeaders(false);
            if (trailers != null) {
                stream.write(new DefaultHttp2HeadersFrame(trailers, true), stream.voidPromise());
            } else {
                stream.write(new DefaultHttp2DataFrame(true), stream.voidPromise());
            }
        }
        stream.flush();
        sendTimeout.watch();
    }

    @Override
    public void flushToClient() {
        stream.flush();
        sendTimeout.watch();
    }

    @Override
    public boolean isWritable() {
        return stream.isWritable();
    }

    @Override
    public void exchangeComplete(ProxiedExchange done) {
        if (exchange != done) {
            return;
        }
        exchange = null;
        record.done(done.servedBy(), AccessAction.SERVED);
        if (!done.requestComplete()) {
            // the response is complete before the request: the client may stop sending (RFC 9113 8.1)
            stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
        }
        updateReading();
    }

    @Override
    public void exchangeFailed(ProxiedExchange failed, int code, String detail) {
        if (exchange == failed) {
            exchange = null;
            respond(code, detail, null, AccessAction.SERVED, failed.servedBy());
        }
    }

    @Override
    public void exchangeBroken(ProxiedExchange broken) {
        if (exchange == broken) {
            exchange = null;
            record.done(broken.servedBy(), AccessAction.SERVED);
            reset(Http2Error.INTERNAL_ERROR);
        }
    }

    @Override
    public void upgradeRefused(ProxiedExchange ex) {
        // an HTTP/2 request never asks for an upgrade (RFC 9113 8.6): nothing waits for the answer
    }

    @Override
    public void upgrade(ProxiedExchange ex, ResponseHead response, ServerLeg server, Service service) {
        // unreachable: the exchange only switches protocols for a request that asked to
        response.release();
        server.close();
        service.release();
        exchange = null;
        record.done(ex.servedBy(), AccessAction.SERVED);
        reset(Http2Error.INTERNAL_ERROR);
    }

    private void respond(int code, String detail, String location, AccessAction action) {
        respond(code, detail, location, action, null);
    }

    /** Answers the stream with an error or redirect of the proxy's own, ending it. */
    private void respond(int code, String detail, String location, AccessAction action, String service) {
        byte[] body = (code + " " + HttpResponses.reason(code) + (detail == null ? "" : ": " + detail) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        Http2Headers h = new DefaultHttp2Headers()
                .status(Integer.toString(code))
                .set("content-type", "text/plain; charset=utf-8")
                .setInt("content-length", body.length);
        if (location != null) {
            h.set("location", location);
        }
        record.status(code);
        record.sent(body.length);
        ended = true;
        record.done(service, action);
        stream.write(new DefaultHttp2HeadersFrame(h, false), stream.voidPromise());
        stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
        sendTimeout.watch();
        if (!clientEnded) {
            // answered before the client finished its request: it may stop sending (RFC 9113 8.1),
            // and the stream does not stay half open, holding the connection, until it does
            stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
        }
    }

    private void reset(Http2Error error) {
        pendingHeaders = null;
        ended = true;
        stream.writeAndFlush(new DefaultHttp2ResetFrame(error));
    }

    private void startRequest(Http2Headers h) {
        boolean detail = record.wantsDetail();
        record.start(detail && h.method() != null ? h.method().toString() : null,
                detail && h.path() != null ? h.path().toString() : null, 0);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame) {
            abort(); // the client cancelled the stream (the codec bounds how often: see Http2ClientConnection)
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sendTimeout.cancel();
        abort();
        ctx.fireChannelInactive();
    }

    private void abort() {
        if (exchange != null) {
            ProxiedExchange ex = exchange;
            exchange = null;
            ex.abort();
            record.done(ex.servedBy(), AccessAction.SERVED);
        } else if (!ended) {
            record.done(null, AccessAction.SERVED);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("resetting {} after an error", ctx.channel(), cause);
        abort();
        ctx.close();
    }
}
