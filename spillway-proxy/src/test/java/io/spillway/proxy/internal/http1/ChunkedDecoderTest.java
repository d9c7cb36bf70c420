package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A chunked body unframed part by part, whatever the parts' boundaries (for HTTP/2 streams to services). */
class ChunkedDecoderTest {

    private static ByteBuf part(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void sizeLinesAndTrailersSplitBetweenPartsAreJoinedAndTheDataComesOutUnframed() {
        ChunkedDecoder d = new ChunkedDecoder(ByteBufAllocator.DEFAULT, 1024);
        List<Object> out = new ArrayList<>();
        StringBuilder data = new StringBuilder();
        Http1End end = null;
        boolean done = false;
        for (String p : new String[] {"5\r\nhel", "lo\r\n1", "0\r\n0123456789abcdef\r\n0\r", "\ngrpc-status: 0\r", "\n\r\n"}) {
            done = d.decode(part(p), out);
            for (Object o : out) {
                if (o instanceof ByteBuf b) {
                    data.append(b.toString(StandardCharsets.ISO_8859_1));
                    b.release();
                } else {
                    end = (Http1End) o;
                }
            }
            out.clear();
        }
        assertThat(done).isTrue();
        assertThat(data).hasToString("hello0123456789abcdef");
        assertThat(end.trailers().toString(StandardCharsets.ISO_8859_1)).isEqualTo("grpc-status: 0\r\n\r\n");
        end.release();
        d.release();
    }

    @Test
    void aBrokenFramingIsRefused() {
        ChunkedDecoder d = new ChunkedDecoder(ByteBufAllocator.DEFAULT, 1024);
        assertThatThrownBy(() -> d.decode(part("zz\r\n"), new ArrayList<>())).isInstanceOf(Http1Exception.class);
        d.release();
    }
}
