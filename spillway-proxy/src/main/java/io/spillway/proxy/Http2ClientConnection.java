package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.model.VServerConfig;
import io.spillway.proxy.internal.http1.RequestHead;
import io.spillway.proxy.internal.http1.RequestHeadParser;
import io.spillway.proxy.internal.http1.RequestHeadWriter;


/**
 * An HTTP/2 client connection of an http or https vServer: what its streams
 * ({@link Http2ClientLeg}) share, and the connection's own limits and timeouts.
 *
 * <pre>
 *  [tls] ─ timer ─ h2 (Http2FrameCodec) ─ h2flush ─ h2conn (this) ─ h2mux (Http2MultiplexHandler) ═► one Http2ClientLeg per stream
 * </pre>
 *
 * <p>Flushes are consolidated ({@code h2flush}, see {@link #consolidatingFlushes()}): the
 * responses of many streams that arrive in one turn of the event loop (from many service
 * connections, or many streams of one) leave in one write, rather than one TLS record and one
 * system call each.
 *
 * <p>Limits, as SETTINGS and as the codec enforces them: {@code limits.maxConcurrentStreams}
 * (a stream over it is refused with REFUSED_STREAM), {@code limits.maxHeaderSize} as the header
 * list size (431-like: the stream is reset), {@code limits.initialWindow} as each stream's
 * window. The rapid-reset defence (CVE-2023-44487): a client that resets more than
 * {@code limits.maxResetsPerSecond} streams in a second gets GOAWAY ENHANCE_YOUR_CALM and the
 * connection closes — every stream it opened and cancelled would otherwise cost a request to a
 * service without ever counting against the concurrent-stream limit. The codec's own counter
 * does it, with a window of one second.
 *
 * <p>Timeouts: the request-head timeout runs from the connection's start to its first HEADERS
 * frame (a client that connects and sends nothing, or only the preface, is closed); the idle
 * timeout closes a connection with no stream open; the send timeout is the connection's, as for
 * HTTP/1.1. A drain (SIGTERM), a head timeout or a half-closed client close the connection
 * gracefully: GOAWAY, then the streams in flight finish.
 */
final class Http2ClientConnection extends ChannelInboundHandlerAdapter {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Http2ClientConnection.class);

    private final ClientConnection connection;
    private final RequestHeadParser parser;
    private RequestHeadWriter headWriter;
    private Http2FrameCodec codec;
    private boolean headReceived;

    private Http2ClientConnection(ClientConnection connection) {
        this.connection = connection;
        VServerConfig.Limits limits = connection.route().config().limits();
        this.parser = new RequestHeadParser(limits.maxRequestLine(), limits.maxHeaderSize());
    }

    /**
     * Turns {@code p} into an HTTP/2 server pipeline after the handler named {@code after}; the
     * codec sends the server's SETTINGS at once.
     */
    static void install(ChannelPipeline p, String after, ClientConnection connection) {
        VServerConfig.Limits limits = connection.route().config().limits();
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(limits.maxConcurrentStreams())
                .maxHeaderListSize(limits.maxHeaderSize())
                .initialWindowSize(limits.initialWindow());
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(limits.maxResetsPerSecond(), 1)
                .gracefulShutdownTimeoutMillis(connection.route().serverTimeoutMillis())
                .build();
        Http2ClientConnection owner = new Http2ClientConnection(connection);
        p.addAfter(after, "h2", codec);
        p.addAfter("h2", "h2flush", consolidatingFlushes());
        p.addAfter("h2flush", "h2conn", owner);
        p.addAfter("h2conn", "h2mux", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast("http", new Http2ClientLeg(connection, owner));
            }
        }));
    }

    /**
     * What sits above an HTTP/2 connection's frame codec, on the client side and on the service
     * side ({@link Http2ServiceConnection}): a stream's flush outside its connection's read (a
     * response that came from a service, a request that came from a client) only asks for a
     * flush, done once after the event loop's current turn, when every stream that had something
     * to send in that turn has written it; inside a read, once at its end. The codec's own flushes
     * (SETTINGS, PING, WINDOW_UPDATE, GOAWAY, RST_STREAM of its own) go below it, unchanged. A
     * connection that stops being writable is flushed at once.
     */
    static FlushConsolidationHandler consolidatingFlushes() {
        return new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        codec = ctx.pipeline().get(Http2FrameCodec.class);
        headWriter = connection.requestHeadWriter();
    }

    RequestHeadWriter headWriter() {
        return headWriter;
    }

    /**
     * The request head {@code headers} stand for, parsed (the caller releases it), or null when
     * they are malformed; throws {@link io.spillway.proxy.internal.http1.Http1Exception} for a head the
     * parser refuses.
     */
    RequestHead parse(ByteBufAllocator alloc, Http2Headers headers, boolean bodyFollows) {
        ByteBuf bytes;
        try {
            bytes = Http2Messages.requestHead(alloc, headers, bodyFollows);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (bytes == null) {
            return null;
        }
        try {
            RequestHead head = new RequestHead();
            return parser.parse(bytes, head) ? head : null;
        } finally {
            bytes.release(); // a parsed head holds its own reference
        }
    }

    /** A stream's request headers arrived: the connection's head timeout is over. */
    void headReceived() {
        if (!headReceived) {
            headReceived = true;
            connection.timer().headReceived();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame) {
            headReceived();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientTimer.HEAD_TIMEOUT || evt == ClientConnection.DRAIN || evt instanceof ChannelInputShutdownEvent) {
            ctx.close(); // through the codec: GOAWAY, then the open streams finish
        } else if (evt instanceof IdleStateEvent) {
            if (codec.connection().numActiveStreams() == 0) {
                ctx.close();
            }
        } else if (evt == ClientTimer.BODY_TIMEOUT) {
            ReferenceCountUtil.release(evt); // bodies are bounded by flow control and the idle timeout
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    /**
     * An error on the connection. A stream error the codec found in what a client sent (a
     * content-length given twice, a pseudo-header out of place) goes on to the multiplexer, which
     * gives it to that stream's leg and resets the stream; kept here, it would leave the stream
     * open with nothing to end it (the idle timeout waits for a connection without streams). The
     * codec passes its connection errors on (a client's protocol error, the rapid-reset cap) just
     * before it sends its GOAWAY with the error's code and closes; any other error closes the
     * connection here. Both end here, at debug level, rather than at the pipeline's tail, where
     * Netty would write a warning for every hostile client.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: {}", ctx.channel(), cause.toString());
        if (cause instanceof Http2FrameStreamException) {
            ctx.fireExceptionCaught(cause);
        } else if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
            ctx.close();
        }
    }
}
