package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.List;

/**
 * A chunked body (RFC 9112 section 7.1) turned back into its data, for a hop that frames the body
 * itself: an HTTP/2 stream to a service gets the data of a request that came chunked. The same
 * validating state machine as the decoders' ({@link ChunkedBody}), fed with the body's parts as
 * they come: data is emitted as retained slices of each part; the few octets of a size line or
 * trailer section split between two parts are copied and put before the next part.
 */
public final class ChunkedDecoder {

    private final ChunkedBody body;
    private final ByteBufAllocator alloc;
    /** The start of a size line or trailer section that the last part cut off. */
    private ByteBuf rest;
    private boolean done;

    public ChunkedDecoder(ByteBufAllocator alloc, int maxTrailers) {
        this.alloc = alloc;
        this.body = new ChunkedBody(4096, maxTrailers, 400);
        body.start(false);
    }

    /**
     * Decodes {@code part} (released here): the data as {@link ByteBuf}s into {@code out} and, once
     * the body is complete, its {@link Http1End}. Returns whether the body is complete.
     *
     * @throws Http1Exception on a framing defect
     */
    public boolean decode(ByteBuf part, List<Object> out) {
        if (done) {
            part.release();
            return true;
        }
        ByteBuf in = part;
        if (rest != null) {
            in = alloc.compositeBuffer(2).addComponents(true, rest, part);
            rest = null;
        }
        try {
            done = body.decode(in, out);
            // the data went out as slices of in, which must not move: what is left is copied
            if (!done && in.isReadable()) {
                rest = in.copy();
            }
        } finally {
            in.release();
        }
        return done;
    }

    /** Gives back what waits in the cumulation. */
    public void release() {
        if (rest != null) {
            rest.release();
            rest = null;
        }
    }
}
