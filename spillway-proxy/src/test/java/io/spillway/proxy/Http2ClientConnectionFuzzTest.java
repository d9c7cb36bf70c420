package io.spillway.proxy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.ServerChannel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.spillway.core.log.AccessLog;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.FuzzedWrites;
import io.spillway.testing.TrackingAllocator;
import io.spillway.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target: any octets after the HTTP/2 connection preface, as a client of an http vServer
 * sends them (prior knowledge), through the whole client pipeline the proxy builds for it
 * ({@link ClientPipeline}: admission, timer, {@link Http2Detector}, Netty's frame codec with our
 * SETTINGS and rapid-reset cap, {@link Http2ClientConnection}, the multiplexer and one
 * {@link Http2ClientLeg} per stream), in an {@link EmbeddedChannel}, split into up to eight writes
 * at points the fuzzer chooses. Streams that get as far as a service fail to connect at once (an
 * embedded event loop cannot carry a socket), so each request is answered by the proxy itself
 * (502 or 503). Then every timer of the connection fires and it closes.
 *
 * <p>Invariants (a violation is a finding): no exception reaches the end of the pipeline; no
 * stream is left open once every timeout has run out (crash-b38a…: a content-length given
 * twice was a stream error the connection handler kept from the multiplexer); every
 * buffer of the test's {@link TrackingAllocator} is released; the vServer's slot and every
 * service slot are given back once the connection is closed.
 */
class Http2ClientConnectionFuzzTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static Transport transport;
    private static UpstreamConnector connector;

    @BeforeAll
    static void startTransport() {
        transport = Transport.create(1);
        connector = new UpstreamConnector(transport);
    }

    @AfterAll
    static void stopTransport() {
        transport.close();
    }

    @FuzzTest
    void clientConnection(FuzzedDataProvider data) throws Exception {
        int[] cuts = FuzzedWrites.cuts(data);
        byte[] frames = data.consumeRemainingAsBytes();
        byte[] input = new byte[PREFACE.length + frames.length];
        System.arraycopy(PREFACE, 0, input, 0, PREFACE.length);
        System.arraycopy(frames, 0, input, PREFACE.length, frames.length);

        // a graph per input: what one input does to the services (passive health) is not the next one's
        RuntimeGraph graph = Configs.create()
                .service("a", 9, 100)
                .service("b", 9, 100)
                .vserver(vs("front", VServerProtocol.HTTP, "a", "b").http2Limits(8, 65_535, 4))
                .graph();
        Listener listener = new Listener(new HostPort("127.0.0.1", 80), GraphResources.build(graph).route("front"));
        ClientPipeline pipeline = new ClientPipeline(listener, connector, new UpstreamPools(),
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), new ConnectionBudget(10),
                new AtomicReference<>(AccessLog.NONE), new AtomicReference<>());

        TrackingAllocator alloc = new TrackingAllocator();
        ClientChannel ch = new ClientChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(pipeline);
        try {
            ch.register();
            for (ByteBuf part : FuzzedWrites.split(alloc, input, cuts)) {
                if (ch.isOpen()) {
                    ch.writeInbound(part); // what a client sends after the close never arrives
                    ch.runPendingTasks();
                } else {
                    part.release();
                }
                releaseOutbound(ch);
            }
            elapse(ch); // every timeout of the connection is due
            Http2FrameCodec codec = ch.pipeline().get(Http2FrameCodec.class);
            if (ch.isOpen() && codec != null) {
                assertThat(codec.connection().numActiveStreams()).as("streams left open once every timeout ran out")
                        .isZero();
            }
            ch.close(); // GOAWAY, then the streams in flight have the server timeout to finish
            elapse(ch);
            ch.checkException();
            assertThat(ch.isOpen()).as("closed, at the latest when the server timeout ran out").isFalse();
        } finally {
            ch.finishAndReleaseAll();
        }
        alloc.assertAllReleased();
        assertThat(graph.vserver("front").activeConnections()).as("vServer slots held").isZero();
        assertThat(graph.services()).allSatisfy(s -> assertThat(s.activeConnections()).as(s.name()).isZero());
    }

    private static void elapse(EmbeddedChannel ch) {
        ch.advanceTimeBy(2, TimeUnit.HOURS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
        releaseOutbound(ch);
    }

    private static void releaseOutbound(EmbeddedChannel ch) {
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ReferenceCountUtil.release(m);
        }
    }

    /**
     * An embedded channel with the socket addresses of a TCP connection from a loopback client,
     * accepted by a listener (Netty's HTTP/2 multiplexer tells a server's connection by its parent).
     */
    private static final class ClientChannel extends EmbeddedChannel {
        private static final ListenerChannel LISTENER = new ListenerChannel();

        ClientChannel() {
            super(LISTENER, DefaultChannelId.newInstance(), false, true);
        }

        @Override
        protected SocketAddress localAddress0() {
            return new InetSocketAddress("127.0.0.1", 80);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("127.0.0.1", 40_000);
        }
    }

    private static final class ListenerChannel extends EmbeddedChannel implements ServerChannel {
        @Override
        protected SocketAddress localAddress0() {
            return new InetSocketAddress("127.0.0.1", 80);
        }
    }
}
