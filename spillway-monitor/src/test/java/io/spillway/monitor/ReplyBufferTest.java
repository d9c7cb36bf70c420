package io.spillway.monitor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyBufferTest {

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void findsContentSplitAcrossReads() {
        ReplyBuffer b = new ReplyBuffer(1024);
        assertThat(b.append(bytes("+PO"))).isTrue();
        assertThat(b.contains(ReplyBuffer.utf8("PONG"))).isFalse();
        assertThat(b.append(bytes("NG\r\n"))).isTrue();
        assertThat(b.contains(ReplyBuffer.utf8("PONG"))).isTrue();
        assertThat(b.contains(ReplyBuffer.utf8("ünïcode"))).isFalse();
        assertThat(b.text()).isEqualTo("+PONG\r\n");
    }

    @Test
    void refusesToGrowBeyondItsLimit() {
        ReplyBuffer b = new ReplyBuffer(8);
        assertThat(b.append(bytes("12345"))).isTrue();
        ByteBuf tooMuch = bytes("6789");
        assertThat(b.append(tooMuch)).isFalse();
        assertThat(b.length()).isEqualTo(5);
        tooMuch.release();
    }

    @Test
    void quotesExpectedContentShortly() {
        assertThat(ReplyBuffer.quote("a\r\nb")).isEqualTo("'a\\r\\nb'");
        assertThat(ReplyBuffer.quote("x".repeat(100))).hasSize(45);
    }
}
