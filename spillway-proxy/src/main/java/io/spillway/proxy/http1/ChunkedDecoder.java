package io.spillway.proxy.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

import java.util.List;

/**
 * A chunked body (RFC 9112 section 7.1) turned back into its data, for a hop that frames the body
 * itself: an HTTP/2 stream to a service gets the data of a request that came chunked. The same
 * validating state machine as the decoders' ({@link ChunkedBody}), fed with the body's parts as
 * they come: a size line or trailer section split between two parts waits in a small
 * cumulation, data is emitted as retained slices.
 */
public final class ChunkedDecoder {

    private final ChunkedBody body;
    private final ByteBufAllocator alloc;
    private CompositeByteBuf cumulation;
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
        if (cumulation == null) {
            cumulation = alloc.compositeBuffer();
        }
        cumulation.addComponent(true, part);
        done = body.decode(cumulation, out);
        cumulation.discardReadComponents();
        return done;
    }

    /** Gives back what waits in the cumulation. */
    public void release() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }
}
