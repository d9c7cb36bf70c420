package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Decodes the responses of a service connection. For each response it emits a
 * {@link ResponseHead}, then the body as {@link ByteBuf} slices of the received bytes, then an
 * {@link Http1End}. Interim responses (100, 102, 103) are a head and an end each, and the final
 * response follows. After a 101 (or a 2xx to CONNECT) the head and end are followed by every
 * further octet as it comes: the connection is a tunnel. A response the codec refuses, or one cut
 * short by the service closing the connection, becomes an {@link Http1DecodeFailure} with status
 * 502, and from then on every received octet is discarded: the connection is to be closed.
 *
 * <p>A response's framing depends on the request it answers (RFC 9112 6.3), so the caller tells
 * the decoder of every request written to the connection, in order, with {@link #expect}: this
 * is what makes pipelining safe. A response that arrives with no request pending is refused. A
 * body delimited by the close of the connection ends when the channel becomes inactive or its
 * input is shut down.
 *
 * <p>All methods are called on the channel's event loop.
 */
public final class Http1ResponseDecoder extends ByteToMessageDecoder {

    private enum State { HEAD, LENGTH, CHUNKED, UNTIL_CLOSE, TUNNEL, CLOSED, FAILED }

    private final ResponseHeadParser parser;
    private final ChunkedBody chunked;
    private final PendingRequests pending = new PendingRequests();
    private State state = State.HEAD;
    private long remaining;
    private boolean closeNext;

    /**
     * @param maxStatusLine the longest status line
     * @param maxHeaderSize the largest field section, and trailer section
     */
    public Http1ResponseDecoder(int maxStatusLine, int maxHeaderSize) {
        this.parser = new ResponseHeadParser(maxStatusLine, maxHeaderSize);
        this.chunked = new ChunkedBody(Http1RequestDecoder.MAX_CHUNK_LINE, maxHeaderSize, 502);
    }

    /**
     * A request with this method was written to the connection; its response comes after those
     * of the requests expected before it. {@code decodeChunked}: emit a chunked response body as
     * its data and trailers (for a client that cannot take chunks, or a hop that frames the body
     * itself) rather than as its validated chunks.
     */
    public void expect(Http1Method method, boolean decodeChunked) {
        pending.add(method, decodeChunked);
    }

    /** {@link #expect(Http1Method, boolean)} with chunked bodies passed through. */
    public void expect(Http1Method method) {
        expect(method, false);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            switch (state) {
                case HEAD -> head(in, out);
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
                case UNTIL_CLOSE, TUNNEL -> out.add(in.readRetainedSlice(in.readableBytes()));
                case CLOSED, FAILED -> in.skipBytes(in.readableBytes());
            }
        } catch (Http1Exception e) {
            fail(in, out, e.failure());
        }
    }

    private void fail(ByteBuf in, List<Object> out, Http1DecodeFailure failure) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        out.add(failure);
    }

    private void head(ByteBuf in, List<Object> out) {
        if (pending.isEmpty()) {
            throw new Http1Exception(502, "a response without a request");
        }
        SpareHeads spares = SpareHeads.ofThisThread();
        ResponseHead head = spares.responseHead();
        if (!parser.parse(in, head, pending.method())) {
            spares.giveBack(head);
            return;
        }
        boolean decode = pending.decodeChunked();
        out.add(head);
        if (head.isInterim()) {
            out.add(Http1End.EMPTY);
            return;
        }
        pending.remove();
        closeNext = !head.keepAlive();
        switch (head.framing()) {
            case LENGTH -> {
                remaining = head.contentLength();
                state = State.LENGTH;
            }
            case CHUNKED -> {
                chunked.start(!decode);
                state = State.CHUNKED;
            }
            case UNTIL_CLOSE -> state = State.UNTIL_CLOSE;
            case TUNNEL -> {
                out.add(Http1End.EMPTY);
                state = State.TUNNEL;
            }
            case NONE -> end(out, Http1End.EMPTY);
        }
    }

    private void end(List<Object> out, Http1End end) {
        if (end != null) {
            out.add(end);
        }
        state = closeNext ? State.CLOSED : State.HEAD;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.isReadable()) {
            decode(ctx, in, out);
        }
        if (state == State.UNTIL_CLOSE) {
            out.add(Http1End.EMPTY);
            state = State.CLOSED;
        } else if (state == State.LENGTH || state == State.CHUNKED
                || state == State.HEAD && (in.isReadable() || !parser.atStart())) {
            fail(in, out, new Http1DecodeFailure(502, "the service closed the connection in the middle of a response"));
        }
    }
}
