package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Relay} alone, between two {@link EmbeddedChannel}s standing for the client and the
 * service connections: bytes go each way untouched and counted, flushed once per read batch;
 * the side whose peer cannot take more stops reading until the peer drains; an idle event or a
 * close on either side closes both.
 */
class RelayTest {

    private final EmbeddedChannel client = new EmbeddedChannel();
    private final EmbeddedChannel server = new EmbeddedChannel();

    @AfterEach
    void close() {
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static String read(EmbeddedChannel ch) {
        ByteBuf b = ch.readOutbound();
        try {
            return b.toString(StandardCharsets.US_ASCII);
        } finally {
            b.release();
        }
    }

    @Test
    void bytesGoEachWayUntouchedAndCountedOnceTheRelayStarts() {
        Relay relay = Relay.start(client, server);
        assertThat(client.config().isAutoRead()).as("both sides read").isTrue();
        assertThat(server.config().isAutoRead()).isTrue();

        client.writeInbound(bytes("GET-ish bytes\r\n"));
        server.writeInbound(bytes("answer"));

        assertThat(read(server)).isEqualTo("GET-ish bytes\r\n");
        assertThat(read(client)).isEqualTo("answer");
        assertThat(relay.bytesFromClient()).isEqualTo(15);
        assertThat(relay.bytesToClient()).isEqualTo(6);
    }

    @Test
    void writesAreFlushedOncePerReadBatch() {
        Relay.start(client, server);

        client.pipeline().fireChannelRead(bytes("one "));
        client.pipeline().fireChannelRead(bytes("two"));
        assertThat((Object) server.readOutbound()).as("not flushed within the batch").isNull();

        client.pipeline().fireChannelReadComplete();
        assertThat(read(server)).isEqualTo("one ");
        assertThat(read(server)).isEqualTo("two");
    }

    @Test
    void aSideStopsReadingWhileItsPeerCannotTakeMoreAndReadsAgainOnceItDrains() {
        server.config().setWriteBufferWaterMark(new WriteBufferWaterMark(4, 8));
        Relay.start(client, server);

        client.pipeline().fireChannelRead(bytes("more than eight bytes"));
        assertThat(server.isWritable()).isFalse();
        assertThat(client.config().isAutoRead()).as("the client is not read while the service is full").isFalse();

        client.pipeline().fireChannelReadComplete(); // the batch ends: flushed, the service drains
        assertThat(server.isWritable()).isTrue();
        assertThat(client.config().isAutoRead()).isTrue();
        assertThat(read(server)).isEqualTo("more than eight bytes");
    }

    @Test
    void anIdleEventOnEitherSideClosesBoth() {
        Relay.start(client, server);

        server.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);

        assertThat(server.isOpen()).isFalse();
        assertThat(client.isOpen()).as("closed after the service side").isFalse();
    }

    @Test
    void whatWasWrittenBeforeOneSideClosedReachesTheOtherBeforeItCloses() {
        Relay.start(client, server);
        server.pipeline().fireChannelRead(bytes("last words"));

        server.close();

        assertThat(client.isOpen()).isFalse();
        assertThat(read(client)).isEqualTo("last words");
    }
}
