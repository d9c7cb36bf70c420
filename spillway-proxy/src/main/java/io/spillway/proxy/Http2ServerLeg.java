package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import io.spillway.core.runtime.Service;
import io.spillway.proxy.internal.http1.ChunkedDecoder;
import io.spillway.proxy.internal.http1.Http1DecodeFailure;
import io.spillway.proxy.internal.http1.Http1End;
import io.spillway.proxy.internal.http1.Http1Exception;
import io.spillway.proxy.internal.http1.Http1Framing;
import io.spillway.proxy.internal.http1.Http1Method;
import io.spillway.proxy.internal.http1.RequestHead;
import io.spillway.proxy.internal.http1.ResponseHead;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One stream on a shared {@link Http2ServiceConnection} to an {@code h2c} or {@code h2} service,
 * as the {@link ServerLeg} of one exchange (SPEC S8). The service's capacity counts its
 * concurrent streams: the exchange holds the service slot per request, whatever the leg.
 *
 * <p>The exchange speaks HTTP/1.1 (see {@link Http2Messages} for why): the forwarded request
 * head is parsed back and sent as HEADERS; its body is unframed as it goes (a chunked body's
 * data, the last chunk's trailers as a trailing HEADERS frame, a body of known length ended
 * with its last octet). The response comes back as the HTTP/1.1 response it stands for: a
 * {@link ResponseHead}; a body of unknown length is declared chunked and, for a client that
 * takes chunks, framed as chunks with the trailers in the last one; for a client that does not
 * (an HTTP/1.0 client, an HTTP/2 stream) its data as it came and the trailers with the
 * {@link Http1End}. So trailers, gRPC's {@code grpc-status} among them, pass through to every
 * client that can take them.
 *
 * <p>{@code timeouts.server} bounds each wait for the service, as for HTTP/1.1: measured from
 * the last read or write, by the event loop's {@link Ticker}; the exchange decides between
 * another service and a 504. A stream the service resets (REFUSED_STREAM after a GOAWAY, say)
 * fails the exchange like a closed connection: a request that may be sent again goes once
 * more, on a fresh connection.
 */
final class Http2ServerLeg extends ChannelInboundHandlerAdapter implements ServerLeg {

    private final Service service;
    private final Http2ServiceConnection connection;
    private final boolean reused;
    private final long serverNanos;
    private Channel stream;
    private ReadGate gate;
    private ProxiedExchange exchange;
    private Http1Method method;
    private boolean decodeChunked;
    // the request body as it goes: unframed from chunks, or counted down from its length
    private ChunkedDecoder dechunk;
    private long remaining;
    private boolean requestEnded;
    // the response as it comes
    private boolean finalHead;
    /** The final head went to an HTTP/2 client as received: so do the trailers. */
    private boolean passOn;
    private boolean chunkOut;
    private boolean closed;
    private long lastActivity;
    private ScheduledFuture<?> timer;
    /** The event loop's clock, the one its scheduled tasks run by. */
    private Ticker ticker;

    Http2ServerLeg(Service service, Http2ServiceConnection connection, Route route, boolean reused) {
        this.service = service;
        this.connection = connection;
        this.reused = reused;
        this.serverNanos = TimeUnit.MILLISECONDS.toNanos(route.serverTimeoutMillis());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        stream = ctx.channel();
        ticker = ctx.executor().ticker();
        gate = new ReadGate(stream, 0);
        stream.closeFuture().addListener(f -> connection.streamClosed());
    }

    @Override
    public void attach(ProxiedExchange owner) {
        exchange = owner;
        lastActivity = ticker.nanoTime();
        schedule(serverNanos);
    }

    private void schedule(long nanos) {
        timer = stream.eventLoop().schedule(this::timerRun, nanos, TimeUnit.NANOSECONDS);
    }

    private void timerRun() {
        timer = null;
        if (exchange == null || closed) {
            return;
        }
        long left = lastActivity + serverNanos - ticker.nanoTime();
        if (left > 0) {
            schedule(left);
        } else {
            exchange.serverTimedOut(this);
        }
    }

    @Override
    public boolean isReused() {
        return reused;
    }

    // ---- proxyToServerRequest ----

    @Override
    public void writeHead(ByteBuf head, Http1Method requestMethod, boolean decode) {
        method = requestMethod;
        decodeChunked = decode;
        RequestHead r = new RequestHead();
        Http2Headers headers;
        try {
            if (!connection.requestParser.parse(head, r)) {
                throw new IllegalStateException("the forwarded request head is incomplete");
            }
            headers = Http2Messages.requestHeaders(r, connection.tls());
            if (r.framing() == Http1Framing.CHUNKED) {
                dechunk = new ChunkedDecoder(stream.alloc(), 16384);
            } else if (r.framing() == Http1Framing.LENGTH) {
                remaining = r.contentLength();
            }
            r.release();
        } finally {
            head.release();
        }
        requestEnded = dechunk == null && remaining <= 0;
        write(new DefaultHttp2HeadersFrame(headers, requestEnded));
    }

    @Override
    public void write(ByteBuf content) {
        if (requestEnded) {
            content.release();
            return;
        }
        if (dechunk == null) {
            remaining -= content.readableBytes();
            requestEnded = remaining <= 0;
            write(new DefaultHttp2DataFrame(content, requestEnded));
            return;
        }
        List<Object> parts = new ArrayList<>(2);
        try {
            requestEnded = dechunk.decode(content, parts);
        } catch (Http1Exception e) {
            parts.forEach(ReferenceCountUtil::release);
            requestEnded = true;
            stream.close(); // the body the client leg framed is broken: the exchange hears of the close
            return;
        }
        for (Object part : parts) {
            if (part instanceof ByteBuf data) {
                write(new DefaultHttp2DataFrame(data, false));
            } else {
                Http1End end = (Http1End) part;
                Http2Headers trailers = Http2Messages.trailers(end.trailers());
                end.release();
                write(trailers != null ? new DefaultHttp2HeadersFrame(trailers, true) : new DefaultHttp2DataFrame(true));
            }
        }
    }

    private void write(Object frame) {
        lastActivity = ticker.nanoTime();
        // no promise per write: a failed write resets or closes the stream, which tells the exchange
        stream.write(frame, stream.voidPromise());
    }

    @Override
    public void flush() {
        stream.flush();
    }

    @Override
    public boolean isWritable() {
        return stream.isWritable();
    }

    @Override
    public void pauseReading(boolean paused) {
        gate.set(ReadGate.PEER_FULL, paused);
    }

    @Override
    public void release() {
        close();
    }

    /** A stream is never used twice: closing it resets it unless both sides already ended it. */
    @Override
    public void close() {
        exchange = null;
        closed = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (dechunk != null) {
            dechunk.release();
        }
        stream.close();
    }

    @Override
    public Channel channel() {
        return stream;
    }

    @Override
    public void removeProtocolHandlers() {
        // the exchange tunnels only after a 101, which this leg reports as a bad response
        throw new IllegalStateException("an HTTP/2 stream does not switch protocols");
    }

    // ---- serverToProxyResponse ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivity = ticker.nanoTime();
        if (exchange == null) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof Http2HeadersFrame f) {
            if (finalHead) {
                endResponse(f.headers());
            } else {
                responseHead(f);
            }
        } else if (msg instanceof Http2DataFrame d) {
            ByteBuf content = d.content();
            if (content.isReadable()) {
                exchange.serverContent(this, chunkOut ? Http2Messages.chunk(stream.alloc(), content) : content);
            } else {
                content.release();
            }
            if (d.isEndStream() && exchange != null) {
                endResponse(null);
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void responseHead(Http2HeadersFrame f) {
        CharSequence s = f.headers().status();
        int status;
        try {
            status = Integer.parseInt(s.toString());
        } catch (RuntimeException e) {
            status = 0;
        }
        if (status < 100 || status == 101) {
            exchange.serverDecodeFailed(this, new Http1DecodeFailure(502, "an invalid :status from an HTTP/2 service"));
            return;
        }
        if (status >= 200 && exchange.takesHttp2Headers()) {
            if (mayPassOn(f.headers())) {
                finalHead = true;
                passOn = true;
                exchange.serverHeaders(this, status, f.headers(), false);
                if (f.isEndStream() && exchange != null) {
                    endResponse(null);
                }
            }
            return;
        }
        ByteBuf bytes;
        ResponseHead head = new ResponseHead();
        try {
            bytes = Http2Messages.responseHead(stream.alloc(), status, f.headers(), !f.isEndStream(),
                    method == Http1Method.HEAD);
        } catch (IllegalArgumentException e) {
            exchange.serverDecodeFailed(this, new Http1DecodeFailure(502, e.getMessage()));
            return;
        }
        try {
            connection.responseParser.parse(bytes, head, method);
        } catch (Http1Exception e) {
            exchange.serverDecodeFailed(this, e.failure());
            return;
        } finally {
            bytes.release();
        }
        if (head.isInterim()) {
            exchange.serverHead(this, head);
            if (exchange != null) {
                exchange.serverEnd(this, Http1End.EMPTY);
            }
            return;
        }
        finalHead = true;
        chunkOut = head.isChunked() && !decodeChunked;
        exchange.serverHead(this, head);
        if (f.isEndStream() && exchange != null) {
            endResponse(null);
        }
    }

    /** The end of the response, with its trailers (null: none). */
    private void endResponse(Http2Headers trailers) {
        if (passOn) {
            if (trailers == null) {
                exchange.serverEnd(this, Http1End.EMPTY);
            } else if (mayPassOn(trailers)) {
                exchange.serverHeaders(this, 0, trailers, true);
            }
        } else if (chunkOut) {
            exchange.serverContent(this, Http2Messages.lastChunk(stream.alloc(), trailers));
            if (exchange != null) {
                exchange.serverEnd(this, Http1End.EMPTY);
            }
        } else {
            exchange.serverEnd(this, trailers == null ? Http1End.EMPTY
                    : Http1End.withTrailers(Http2Messages.trailerLines(stream.alloc(), trailers)));
        }
    }

    /**
     * Whether {@code headers} from the service may go to an HTTP/2 client as they are, made so:
     * the codec validated their names (lower case, no connection-specific field, {@code te} only
     * as {@code trailers}), what is left is what the HTTP/1.1 detour would take out: a value with
     * CR, LF or NUL (the response is then a bad one, as it would be for an HTTP/1.1 client), a
     * {@code te} field, and pseudo-header fields in trailers.
     */
    private boolean mayPassOn(Http2Headers headers) {
        if (!Http2Messages.forwardable(headers, finalHead)) {
            exchange.serverDecodeFailed(this, new Http1DecodeFailure(502, "a field with CR, LF or NUL from an HTTP/2 service"));
            return false;
        }
        return true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.serverReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.serverWritabilityChanged();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset && exchange != null) {
            exchange.serverFailed(this, "the service reset the stream (" + reset.errorCode() + ")");
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.serverFailed(this, "the service closed the stream");
        }
    }

    /**
     * A stream error the codec found in the service's frames comes from the multiplexer, which
     * resets the stream with the error's code right after (closing this channel, see
     * {@link #channelInactive}); any other error closes the stream here.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof Http2Exception)) {
            ctx.close();
        }
    }
}
