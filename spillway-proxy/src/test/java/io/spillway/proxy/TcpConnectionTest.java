package io.spillway.proxy;

import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.testing.TrackingAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TcpConnection}, a client connection of a tcp vServer until its service connection is
 * up, at the channel level: the client on an {@link EmbeddedClient} with the pipeline
 * {@link ClientPipeline} gives it, the services on the {@link EmbeddedPair}s of an
 * {@link EmbeddedNetwork}, played in bytes. The client is not read before the service
 * connection is up; then a {@link Relay} moves bytes both ways untouched. A service that
 * refuses has its slot given back and the next one is tried; when none accepts, the client is
 * closed. The service slot is held for the connection's life and given back once, when the
 * client's channel closes, which also closes the service connection and counts the bytes.
 */
class TcpConnectionTest {

    private static final int PORT_A = 9001;
    private static final int PORT_B = 9002;

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final EmbeddedNetwork net = new EmbeddedNetwork(alloc);
    private RuntimeGraph graph;
    private VirtualServer front;
    private Service a;
    private Service b;

    @BeforeEach
    void services() {
        graph = Configs.create().service("a", PORT_A, 10).service("b", PORT_B, 10)
                .vserver(vs("front", VServerProtocol.TCP, "a", "b")).graph();
        front = graph.vserver("front");
        a = graph.service("a");
        b = graph.service("b");
    }

    @AfterEach
    void everythingGivenBack() {
        net.close(); // and every buffer released
        assertThat(a.activeConnections()).as("slots of a").isZero();
        assertThat(b.activeConnections()).as("slots of b").isZero();
        assertThat(front.activeConnections()).as("vServer slots").isZero();
    }

    /** A client accepted by the tcp vServer; nothing carried yet. */
    private EmbeddedClient accept() throws Exception {
        return EmbeddedClient.tcp(graph, "front", net.connector());
    }

    private static int port(EmbeddedPair service) {
        return ((InetSocketAddress) service.proxy.remoteAddress()).getPort();
    }

    @Test
    void theClientIsNotReadBeforeItsServiceConnectionIsUpThenBytesGoBothWaysUntouched() throws Exception {
        net.holdConnects();
        EmbeddedPair client = net.client(accept(), new EmbeddedChannel());
        EmbeddedClient ch = (EmbeddedClient) client.proxy;
        assertThat(ch.config().isAutoRead()).as("while the connect is in flight").isFalse();
        assertThat(ch.pipeline().names()).contains("tcp");

        net.completeConnects();
        EmbeddedPair service = net.nextService();

        assertThat(ch.pipeline().names()).doesNotContain("tcp").contains(Relay.NAME);
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(service.proxy.config().isAutoRead()).as("the service connection is read from now on too").isTrue();
        client.peerSends("\u0000\u0001binary\r\n\u00ff");
        assertThat(service.peerReceived()).isEqualTo("\u0000\u0001binary\r\n\u00ff");
        service.peerSends("banner");
        assertThat(client.peerReceived()).isEqualTo("banner");
        assertThat(a.activeConnections() + b.activeConnections()).as("one service slot, held").isEqualTo(1);
    }

    @Test
    void whenNoServiceAcceptsTheClientIsClosedEachServiceAskedOnceAndEverySlotGivenBack() throws Exception {
        net.refuse(PORT_A);
        net.refuse(PORT_B);

        EmbeddedPair client = net.client(accept(), new EmbeddedChannel());

        assertThat(net.serviceConnections()).isZero();
        assertThat(client.proxy.isOpen()).isFalse();
        assertThat(a.admitted()).isEqualTo(1);
        assertThat(b.admitted()).isEqualTo(1);
        assertThat(client.peerReceived()).as("a tcp client gets no answer of the proxy's own").isEmpty();
    }

    @Test
    void aRefusedServiceIsSkippedForTheNextWhichServesTheClient() throws Exception {
        net.refuse(PORT_A);
        EmbeddedClient ch = accept();
        EmbeddedPair client = net.client(ch, new EmbeddedChannel());

        EmbeddedPair service = net.nextService();
        assertThat(port(service)).isEqualTo(PORT_B);
        assertThat(a.admitted()).as("a was asked").isEqualTo(1);
        assertThat(a.activeConnections()).as("the refusing service's slot is given back").isZero();
        assertThat(b.activeConnections()).isEqualTo(1);
        client.peerSends("ping");
        assertThat(service.peerReceived()).isEqualTo("ping");
    }

    @Test
    void theClientClosingClosesTheServiceConnectionGivesTheSlotBackAndCountsTheBytes() throws Exception {
        EmbeddedPair client = net.client(accept(), new EmbeddedChannel());
        EmbeddedPair service = net.nextService();
        client.peerSends("12345");
        service.peerSends("abc");
        assertThat(service.peerReceived()).isEqualTo("12345");
        assertThat(client.peerReceived()).isEqualTo("abc");

        client.peerCloses();

        assertThat(service.proxy.isOpen()).isFalse();
        assertThat(a.activeConnections() + b.activeConnections()).isZero();
        assertThat(front.traffic().bytesIn()).isEqualTo(5);
        assertThat(front.traffic().bytesOut()).isEqualTo(3);
    }

    @Test
    void theServiceClosingClosesTheClient() throws Exception {
        EmbeddedPair client = net.client(accept(), new EmbeddedChannel());
        EmbeddedPair service = net.nextService();
        service.peerSends("bye");

        service.peerCloses();

        assertThat(client.peerReceived()).as("what the service sent before it closed").isEqualTo("bye");
        assertThat(client.proxy.isOpen()).isFalse();
    }

    @Test
    void aClientIdleBeforeItsServiceAnswersIsClosedAndTheServiceConnectionTooOnceItIsUp() throws Exception {
        net.holdConnects();
        EmbeddedClient ch = accept();
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT); // the client timer's idle timeout
        assertThat(ch.isOpen()).isFalse();

        net.completeConnects(); // the connect completes after the client left

        assertThat(net.nextService().proxy.isOpen()).isFalse();
        assertThat(a.activeConnections() + b.activeConnections()).isZero();
    }

    @Test
    void onceRelayedTheClientIsNotReadWhileTheServiceConnectionCannotTakeMore() throws Exception {
        EmbeddedPair client = net.client(accept(), new EmbeddedChannel());
        EmbeddedPair service = net.nextService();
        service.proxy.config().setWriteBufferWaterMark(new WriteBufferWaterMark(4, 8));

        client.proxy.pipeline().fireChannelRead(alloc.of("more than eight bytes"));
        assertThat(client.proxy.config().isAutoRead()).as("the service connection is full").isFalse();

        client.proxy.pipeline().fireChannelReadComplete(); // flushed, and the service took it
        assertThat(client.proxy.config().isAutoRead()).isTrue();
        net.settle();
        assertThat(service.peerReceived()).isEqualTo("more than eight bytes");
    }
}
