package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Looks at the first request line of a connection to the GSLB resolve endpoint in proxy mode
 * (SPEC G6) and, when it asks for {@code /go/{domain}/...}, hands the connection to the data
 * plane; otherwise it steps aside and the endpoint's JSON server reads the connection as if
 * this handler had never been there.
 *
 * <p>It sits in front of the JSON server's HTTP codec, after its idle and request deadlines, and
 * keeps what arrives until it holds a whole line (LF), at most {@value #MAX_LINE} bytes: a longer
 * line is the JSON server's to refuse ({@code 414}), and the request deadline that started with
 * the first byte bounds the wait. A line that is a {@code /go/} request ({@link GoTarget}) takes
 * the connection over: every other handler of the pipeline is removed (an {@link SslHandler}
 * stays, TLS being the connection's), the client handlers of the domain's vServer are installed
 * by {@link GoHandoff}, and they see the connection become active, then what was read so far with
 * the target rewritten; the rest of the connection reaches them directly. Later requests of a
 * connection that was not handed over stay with the JSON server.
 *
 * <p>One per connection; runs on its event loop only.
 */
final class GoSniffer extends ChannelInboundHandlerAdapter {

    /** The longest first line looked at; the JSON endpoint's own limit is 4 KiB, the data plane's 8 KiB. */
    static final int MAX_LINE = 8192;

    private final GoHandoff handoff;
    private ByteBuf seen;
    private boolean decided;

    GoSniffer(GoHandoff handoff) {
        this.handoff = handoff;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (decided || !(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        seen = seen == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), seen, in);
        int start = seen.readerIndex();
        int lf = seen.indexOf(start, Math.min(seen.writerIndex(), start + MAX_LINE), (byte) '\n');
        if (lf < 0) {
            if (seen.readableBytes() >= MAX_LINE) {
                stepAside(ctx);
            }
            return;
        }
        int lineEnd = lf > start && seen.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        GoTarget go = GoTarget.parse(seen.toString(start, lineEnd - start, StandardCharsets.ISO_8859_1));
        Route route = go == null ? null : handoff.route(go.domain());
        if (route == null) {
            stepAside(ctx);
        } else {
            handOff(ctx, go, route, lineEnd);
        }
    }

    /** Not a {@code /go/} request: the JSON server gets what was read, and every byte after it. */
    private void stepAside(ChannelHandlerContext ctx) {
        decided = true;
        ByteBuf read = seen;
        seen = null;
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(read);
    }

    private void handOff(ChannelHandlerContext ctx, GoTarget go, Route route, int lineEnd) {
        decided = true;
        byte[] line = go.line().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuf rewritten = ctx.alloc().buffer(line.length + seen.writerIndex() - lineEnd);
        rewritten.writeBytes(line).writeBytes(seen, lineEnd, seen.writerIndex() - lineEnd);
        seen.release();
        seen = null;
        ChannelPipeline p = ctx.pipeline();
        List<ChannelHandler> others = new ArrayList<>();
        for (Map.Entry<String, ChannelHandler> e : p) {
            if (e.getValue() != this && !(e.getValue() instanceof SslHandler)) {
                others.add(e.getValue());
            }
        }
        others.forEach(p::remove); // their timers stop with them (the JSON server's idle and request deadlines)
        if (!handoff.install(ctx.channel(), route)) {
            rewritten.release(); // the data plane holds limits.maxConnections: closed, as at its own listeners
            return;
        }
        ctx.fireChannelActive();
        if (ctx.channel().isActive()) {
            ctx.fireChannelRead(rewritten);
        } else {
            rewritten.release();
        }
        p.remove(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (seen != null) {
            seen.release();
            seen = null;
        }
    }
}
