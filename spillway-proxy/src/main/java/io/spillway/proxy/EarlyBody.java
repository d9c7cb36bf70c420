package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.spillway.proxy.internal.http1.Http1End;

import java.util.ArrayDeque;

/**
 * The parts of a request body that reach a {@link ProxiedExchange} before it has a server leg
 * to write them to (the connection to the service is being opened): kept in order, then written
 * to the leg once it is ready, or released when the exchange ends first. An {@link Http1End}
 * ends them. Used on the client connection's event loop only.
 */
final class EarlyBody {

    private final ArrayDeque<Object> parts = new ArrayDeque<>(4);

    /** A part of the body ({@link ByteBuf}) or its end ({@link Http1End}); owned from now on. */
    void add(Object part) {
        parts.add(part);
    }

    /** Writes the body's parts to {@code leg}, in order; returns the number of body octets written. */
    long writeTo(ServerLeg leg) {
        long written = 0;
        for (Object part = parts.poll(); part != null; part = parts.poll()) {
            if (part instanceof ByteBuf content) {
                written += content.readableBytes();
                leg.write(content);
            } else {
                ((Http1End) part).release();
            }
        }
        return written;
    }

    /** Releases what was not written. */
    void release() {
        for (Object part = parts.poll(); part != null; part = parts.poll()) {
            ReferenceCountUtil.release(part);
        }
    }
}
