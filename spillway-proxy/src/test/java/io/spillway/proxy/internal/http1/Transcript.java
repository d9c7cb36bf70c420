package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a decoder emitted, as lines that do not depend on how the input was split: a head, the
 * body (consecutive buffers joined), the end with its trailers, a failure. Every message is
 * released as it is read.
 */
final class Transcript {

    private Transcript() {
    }

    static List<String> drain(EmbeddedChannel ch) {
        List<String> lines = new ArrayList<>();
        StringBuilder body = null;
        for (Object m; (m = ch.readInbound()) != null; ) {
            try {
                if (m instanceof ByteBuf b) {
                    assertThatIsReadable(b);
                    if (body == null) {
                        body = new StringBuilder("body ");
                    }
                    body.append(b.toString(StandardCharsets.ISO_8859_1));
                    continue;
                }
                if (body != null) {
                    lines.add(body.toString());
                    body = null;
                }
                lines.add(line(m));
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
        if (body != null) {
            lines.add(body.toString());
        }
        return lines;
    }

    private static void assertThatIsReadable(ByteBuf b) {
        if (!b.isReadable()) {
            throw new AssertionError("an empty content buffer was emitted");
        }
    }

    private static String line(Object m) {
        if (m instanceof RequestHead h) {
            return "head " + h.method() + " " + h.target() + " " + h.version() + " " + h.framing();
        }
        if (m instanceof ResponseHead h) {
            return "head " + h.status() + " " + h.framing();
        }
        if (m instanceof Http1End e) {
            return e.trailers().isReadable() ? "end " + e.trailers().toString(StandardCharsets.ISO_8859_1) : "end";
        }
        if (m instanceof Http1DecodeFailure f) {
            return "fail " + f.status();
        }
        throw new AssertionError("unexpected message " + m);
    }
}
