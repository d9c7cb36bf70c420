package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Decodes the requests of a client connection. For each request it emits a {@link RequestHead},
 * then the body as {@link ByteBuf} slices of the received bytes (none when there is no body),
 * then an {@link Http1End}. A request the codec refuses becomes an {@link Http1DecodeFailure}
 * instead of its head (or after the part of its body already emitted, for a defect in the body),
 * and from then on every received octet is discarded: the caller answers the failure's status
 * and closes the connection.
 *
 * <pre>
 *   HEAD ─► (LENGTH | CHUNKED) ─► end ─┬─► HEAD                  next request (pipelined ones too)
 *                                      ├─► UPGRADE_PENDING       after an Upgrade or CONNECT request
 *                                      └─► CLOSED                after a request that ends the connection
 * </pre>
 *
 * <p>After an upgrade request (or CONNECT) the decoder holds whatever follows, unparsed, until
 * the caller knows the answer: {@link #upgradeAccepted()} on a 101 (the held and all later octets
 * are then emitted as they are), {@link #upgradeRefused()} otherwise (they are parsed as HTTP).
 * After a request that does not keep the connection alive (RFC 9112 9.3, 9.6) nothing more is
 * parsed. Chunked bodies are passed through as validated chunks by default; a decoder made with
 * {@code passThroughChunks = false} emits the chunk data only and the trailers in the end.
 *
 * <p>The caller bounds pipelining by count with {@link #hold(boolean)}: while held, the decoder
 * parses no further request head and keeps the octets it has (at most what one read delivered,
 * since the caller stops reading while requests wait); released, it goes on where it stopped.
 * When the client's input ends, a hold no longer applies: nothing more can arrive, and what
 * arrived is decoded so that the client gets its answers.
 *
 * <p>All methods are called on the channel's event loop.
 */
public final class Http1RequestDecoder extends ByteToMessageDecoder {

    private enum State { HEAD, LENGTH, CHUNKED, UPGRADE_PENDING, TUNNEL, CLOSED, FAILED }

    /** The longest chunk-size line with its extensions. */
    static final int MAX_CHUNK_LINE = 1024;

    private final RequestHeadParser parser;
    /** Made by the connection's first chunked body: most connections never carry one. */
    private ChunkedBody chunked;
    private final int maxHeaderSize;
    private final boolean passThroughChunks;
    private State state = State.HEAD;
    private long remaining;
    private boolean upgradeNext;
    private boolean closeNext;
    private boolean held;
    private ChannelHandlerContext ctx;

    /**
     * @param maxRequestLine    the longest request line (414 beyond)
     * @param maxHeaderSize     the largest field section, and trailer section (431 beyond)
     * @param passThroughChunks emit a chunked body as its validated chunks rather than its data
     */
    public Http1RequestDecoder(int maxRequestLine, int maxHeaderSize, boolean passThroughChunks) {
        this.parser = new RequestHeadParser(maxRequestLine, maxHeaderSize);
        this.maxHeaderSize = maxHeaderSize;
        this.passThroughChunks = passThroughChunks;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The service answered the upgrade request with 101: from now on, octets pass as they come. */
    public void upgradeAccepted() {
        if (state == State.UPGRADE_PENDING) {
            state = State.TUNNEL;
            decodeHeld();
        }
    }

    /** The service answered the upgrade request otherwise: the connection goes on as HTTP. */
    public void upgradeRefused() {
        if (state == State.UPGRADE_PENDING) {
            state = closeNext ? State.CLOSED : State.HEAD;
            decodeHeld();
        }
    }

    /**
     * Holds (true) or releases (false) the next request heads. What was kept is decoded in a
     * task of the channel's event loop, never from inside the call: a release comes from the
     * handlers this decoder feeds, often while its own decode loop is on the stack. The order of
     * the requests is kept whatever runs first: a read that arrives before the task is added
     * behind the kept octets and decoded after them.
     */
    public void hold(boolean hold) {
        if (held == hold) {
            return;
        }
        held = hold;
        if (!hold && ctx != null) {
            ctx.executor().execute(this::decodeHeld);
        }
    }

    private void decodeHeld() {
        if (ctx != null && !ctx.isRemoved() && actualReadableBytes() > 0) {
            try {
                channelRead(ctx, Unpooled.EMPTY_BUFFER);
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            }
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            switch (state) {
                case HEAD -> {
                    if (!held) {
                        head(in, out);
                    }
                }
                case LENGTH -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    out.add(in.readRetainedSlice(n));
                    remaining -= n;
                    if (remaining == 0) {
                        end(out, Http1End.EMPTY);
                    }
                }
                case CHUNKED -> {
                    if (chunked.decode(in, out)) {
                        end(out, null);
                    }
                }
                case TUNNEL -> out.add(in.readRetainedSlice(in.readableBytes()));
                case CLOSED, FAILED -> in.skipBytes(in.readableBytes());
                case UPGRADE_PENDING -> {
                    // held until the caller knows how the service answered
                }
            }
        } catch (Http1Exception e) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            out.add(e.failure());
        }
    }

    private void head(ByteBuf in, List<Object> out) {
        SpareHeads spares = SpareHeads.ofThisThread();
        RequestHead head = spares.requestHead();
        if (!parser.parse(in, head)) {
            spares.giveBack(head);
            return;
        }
        out.add(head);
        upgradeNext = head.isUpgrade() || head.isConnect();
        closeNext = !head.keepAlive();
        switch (head.framing()) {
            case LENGTH -> {
                remaining = head.contentLength();
                state = State.LENGTH;
            }
            case CHUNKED -> {
                if (chunked == null) {
                    chunked = new ChunkedBody(MAX_CHUNK_LINE, maxHeaderSize, 400);
                }
                chunked.start(passThroughChunks);
                state = State.CHUNKED;
            }
            default -> end(out, Http1End.EMPTY);
        }
    }

    private void end(List<Object> out, Http1End end) {
        if (end != null) {
            out.add(end);
        }
        state = upgradeNext ? State.UPGRADE_PENDING : closeNext ? State.CLOSED : State.HEAD;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        held = false;
        for (int before = -1; in.isReadable() && in.readableBytes() != before; ) {
            before = in.readableBytes();
            decode(ctx, in, out);
        }
        boolean inHead = state == State.HEAD && (in.isReadable() || !parser.atStart());
        if (inHead || state == State.LENGTH || state == State.CHUNKED) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            out.add(new Http1DecodeFailure(400, "the client closed its side in the middle of a request"));
        }
    }
}
