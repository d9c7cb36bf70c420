package io.spillway.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ClientTimer} alone, on an {@link EmbeddedChannel}, with timeouts of tens of
 * milliseconds: a silent connection gets an idle event after each idle period; a request head
 * that does not complete in time gets {@link ClientTimer#HEAD_TIMEOUT}, one that completes does
 * not; a client that takes nothing of what waits for it is closed after the send timeout.
 */
class ClientTimerTest {

    private final List<Object> events = new CopyOnWriteArrayList<>();
    private EmbeddedChannel ch;

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
    }

    private void connect(ClientTimer timer) {
        ch = new EmbeddedChannel(timer, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        });
    }

    /** Runs the channel's due tasks on this thread until {@code condition} holds (5 s at most). */
    private void awaitOnLoop(Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(5)).pollInSameThread().pollInterval(Duration.ofMillis(5)).until(() -> {
            ch.runPendingTasks();
            return condition.call();
        });
    }

    private long count(Object event) {
        return events.stream().filter(e -> e == event).count();
    }

    @Test
    void aSilentConnectionGetsAnIdleEventAfterEachIdlePeriod() {
        connect(new ClientTimer(30, 0, 0, 0, 1_000));

        awaitOnLoop(() -> count(IdleStateEvent.ALL_IDLE_STATE_EVENT) >= 2);

        assertThat(ch.isOpen()).as("the relay or the HTTP leg decides what idle means").isTrue();
    }

    @Test
    void aRequestHeadThatDoesNotCompleteInTimeGetsTheHeadTimeout() {
        connect(new ClientTimer(10_000, 40, 1_000, 0, 1_000));
        ch.writeInbound(Unpooled.copiedBuffer("GET / HT", StandardCharsets.US_ASCII));

        awaitOnLoop(() -> count(ClientTimer.HEAD_TIMEOUT) == 1);
    }

    @Test
    void aCompletedHeadIsNotTimedOutAndTheConnectionIsIdleLater() {
        ClientTimer timer = new ClientTimer(200, 40, 1_000, 0, 1_000);
        connect(timer);
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));
        timer.headReceived();

        awaitOnLoop(() -> count(IdleStateEvent.ALL_IDLE_STATE_EVENT) == 1);

        assertThat(events).as("past the head deadline long since, yet no head timeout")
                .doesNotContain(ClientTimer.HEAD_TIMEOUT);
    }

    @Test
    void aClientThatTakesNothingIsClosedAfterTheSendTimeout() {
        connect(new ClientTimer(10_000, 0, 0, 0, 40));
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(4, 8));

        ch.write(Unpooled.copiedBuffer("more than the client reads", StandardCharsets.US_ASCII));
        assertThat(ch.isWritable()).isFalse();

        awaitOnLoop(() -> !ch.isOpen());
    }
}
