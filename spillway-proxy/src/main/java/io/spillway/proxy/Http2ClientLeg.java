package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
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
 * <p>The response is written by the stream's {@link Http2ResponseWriter}; a response from an
 * HTTP/2 service goes to it as the HTTP/2 headers it came in. Flow control is HTTP/2's own:
 * the stream's reads stop while the service cannot take more of the body (the window is then
 * not given back to the client), and the service's reads stop while this stream is not writable.
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
    /** The client's END_STREAM arrived: its side of the stream is closed. */
    private boolean clientEnded;
    private Http2ResponseWriter writer;
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
        writer = new Http2ResponseWriter((Http2StreamChannel) stream, record,
                connection.route().config().timeouts().send().toMillis(), this::sendTimedOut);
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
        writer.headRequest(m == Http1Method.HEAD);
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
        writer.writabilityChanged();
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
        writer.interim(head);
    }

    @Override
    public void proxyToClientResponse(ResponseHead head) {
        writer.head(head);
    }

    /** The final head of a response from an HTTP/2 service, as it came ({@link ProxiedExchange#serverHeaders}). */
    void proxyToClientHeaders(int status, Http2Headers headers) {
        writer.head(status, headers);
    }

    @Override
    public void proxyToClientContent(ByteBuf content) {
        writer.content(content);
    }

    @Override
    public void proxyToClientEnd(Http1End end) {
        writer.end(end);
    }

    /** The end of a response from an HTTP/2 service, with its trailers as they came. */
    void proxyToClientTrailers(Http2Headers trailers) {
        writer.end(trailers);
    }

    @Override
    public void flushToClient() {
        writer.flush();
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
            reset(Http2Error.NO_ERROR);
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
        writer.answer(code, detail, location, clientEnded);
        record.done(service, action);
    }

    private void reset(Http2Error error) {
        writer.reset(error);
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
        writer.closed();
        abort();
        ctx.fireChannelInactive();
    }

    private void abort() {
        if (exchange != null) {
            ProxiedExchange ex = exchange;
            exchange = null;
            ex.abort();
            record.done(ex.servedBy(), AccessAction.SERVED);
        } else if (!writer.ended()) {
            record.done(null, AccessAction.SERVED);
        }
    }

    /**
     * A stream error the codec found (from the multiplexer, which resets the stream with the
     * error's code right after), or a failure of our own (reset here). Either way with a
     * RST_STREAM: closing the stream's channel instead sends none once the client has ended its
     * side, and a response end held by a zero window would then keep the stream open for good.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("resetting {} after an error", ctx.channel(), cause);
        abort();
        if (!(cause instanceof Http2Exception)) {
            reset(Http2Error.INTERNAL_ERROR);
        }
    }
}
