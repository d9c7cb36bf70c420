package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCounted;

/**
 * The end of a message's body: emitted by the decoders after the head (and the body's content
 * buffers, if any). When a chunked body is decoded rather than passed through, {@link #trailers()}
 * holds its trailer section as received: the field lines and the empty line that ends them.
 */
public final class Http1End implements ReferenceCounted {

    /** The end of a message without trailers; releasing it does nothing. */
    public static final Http1End EMPTY = new Http1End(Unpooled.EMPTY_BUFFER);

    private final ByteBuf trailers;

    Http1End(ByteBuf trailers) {
        this.trailers = trailers;
    }

    /**
     * The end of a body decoded from another framing (an HTTP/2 stream), with {@code trailers}
     * as field lines and the empty line that ends them; the end takes ownership of them.
     */
    public static Http1End withTrailers(ByteBuf trailers) {
        return trailers.isReadable() ? new Http1End(trailers) : releaseAndEmpty(trailers);
    }

    private static Http1End releaseAndEmpty(ByteBuf trailers) {
        trailers.release();
        return EMPTY;
    }

    /** The trailer section with its final CR LF, or an empty buffer when there is none. */
    public ByteBuf trailers() {
        return trailers;
    }

    @Override
    public int refCnt() {
        return trailers.refCnt();
    }

    @Override
    public Http1End retain() {
        trailers.retain();
        return this;
    }

    @Override
    public Http1End retain(int increment) {
        trailers.retain(increment);
        return this;
    }

    @Override
    public Http1End touch() {
        trailers.touch();
        return this;
    }

    @Override
    public Http1End touch(Object hint) {
        trailers.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return trailers.release();
    }

    @Override
    public boolean release(int decrement) {
        return trailers.release(decrement);
    }

    @Override
    public String toString() {
        return "Http1End(" + trailers.readableBytes() + " octets of trailers)";
    }
}
