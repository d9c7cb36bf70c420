package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.spillway.testing.TcpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Connects to services named by host: the lookup never holds the client connection's event loop. */
class UpstreamConnectorTest {

    @RegisterExtension
    static final TestNet net = new TestNet();

    @Test
    void eventLoopKeepsServingWhileAServiceHostNameIsLookedUp() throws Exception {
        TcpBackend backend = net.tcpBackend("named");
        CountDownLatch answer = new CountDownLatch(1);
        AtomicReference<Thread> lookedUpOn = new AtomicReference<>();
        UpstreamConnector connector = new UpstreamConnector(net.transport, new OffLoopResolver(host -> {
            lookedUpOn.set(Thread.currentThread());
            try {
                // a slow DNS server
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        }));
        EventLoop loop = net.transport.group().next();
        StringBuilder greeting = new StringBuilder();
        Upstream named = new Upstream(null, InetSocketAddress.createUnresolved("backend.test", backend.port()), null);
        ChannelFuture connect = loop.submit(() -> connector.connect(null, named, loop, 5_000, true,
                p -> p.addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        greeting.append(msg.toString(StandardCharsets.US_ASCII));
                    }
                }))).get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> lookedUpOn.get() != null);
        assertThat(loop.submit(() -> "served").get(5, TimeUnit.SECONDS)).as("the loop runs other work meanwhile")
                .isEqualTo("served");
        assertThat(loop.inEventLoop(lookedUpOn.get())).isFalse();

        answer.countDown();
        Channel ch = connect.syncUninterruptibly().channel();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> loop.submit(greeting::toString).get().equals("named\n"));
        } finally {
            ch.close().syncUninterruptibly();
        }
    }

    @Test
    void hostNameThatDoesNotResolveFailsTheConnect() throws Exception {
        UpstreamConnector connector = new UpstreamConnector(net.transport, new OffLoopResolver(host -> {
            throw new UnknownHostException(host);
        }));
        EventLoop loop = net.transport.group().next();
        Upstream nowhere = new Upstream(null, InetSocketAddress.createUnresolved("nowhere.invalid", 80), null);
        ChannelFuture connect = loop.submit(() -> connector.connect(null, nowhere, loop, 5_000, true, p -> { }))
                .get(5, TimeUnit.SECONDS);
        assertThat(connect.awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
        assertThat(connect.cause()).isInstanceOf(UnknownHostException.class);
    }
}
