package io.spillway.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** {@link Transport#listenerBootstraps}: how a data-plane listener binds its address. */
class ListenerBootstrapsTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final List<Transport> transports = new ArrayList<>();
    private final List<Channel> bound = new ArrayList<>();

    @AfterEach
    void close() {
        bound.forEach(ch -> ch.close().syncUninterruptibly());
        transports.forEach(Transport::close);
    }

    @Test
    void onEpollEachLoopAcceptsOnItsOwnSocketOfTheSamePortAndServesWhatItAccepts() throws Exception {
        assumeThat(Epoll.isAvailable()).as("native epoll").isTrue();
        Transport transport = transport(2, true);
        Queue<String> served = new ConcurrentLinkedQueue<>();
        Map<Channel, AtomicInteger> acceptedBy = new ConcurrentHashMap<>();
        List<ServerBootstrap> bootstraps = transport.listenerBootstraps();
        assertThat(bootstraps).hasSize(2);

        InetSocketAddress at = ANY_PORT;
        for (ServerBootstrap b : bootstraps) {
            Channel listener = bind(b.childHandler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    acceptedBy.computeIfAbsent(ch.parent(), p -> new AtomicInteger()).incrementAndGet();
                    boolean ownLoop = ch.eventLoop() == ch.parent().eventLoop();
                    boolean noDelay = ch.config().getOption(ChannelOption.TCP_NODELAY);
                    served.add((ownLoop ? "own loop" : "other loop") + (noDelay ? ", no delay" : ", Nagle"));
                }
            }), at);
            at = (InetSocketAddress) listener.localAddress();
        }
        assertThat(bound.get(0).eventLoop()).isNotSameAs(bound.get(1).eventLoop());
        assertThat(((InetSocketAddress) bound.get(1).localAddress()).getPort()).isEqualTo(at.getPort());

        int connections = 64;
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                clients.add(new Socket(at.getAddress(), at.getPort()));
            }
            await().until(() -> served.size() == connections);
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
        assertThat(served).containsOnly("own loop, no delay");
        assertThat(acceptedBy).as("the kernel spreads new connections over both sockets").hasSize(2);
    }

    @Test
    void aPortHeldByAnotherSocketIsNotShared() throws Exception {
        assumeThat(Epoll.isAvailable()).as("native epoll").isTrue();
        Transport transport = transport(2, true);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress at = new InetSocketAddress(taken.getInetAddress(), taken.getLocalPort());
            ServerBootstrap first = transport.listenerBootstraps().get(0).childHandler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                }
            });
            assertThatThrownBy(() -> bind(first, at)).hasMessageContaining("Address already in use");
        }
    }

    @Test
    void onNioOneSocketServesTheWholeGroup() {
        Transport transport = transport(2, false);
        assertThat(transport.listenerBootstraps()).hasSize(1);
    }

    private Transport transport(int threads, boolean epoll) {
        Transport t = Transport.create(threads, epoll);
        transports.add(t);
        return t;
    }

    private Channel bind(ServerBootstrap b, InetSocketAddress at) throws Exception {
        Channel ch = b.bind(at).sync().channel();
        bound.add(ch);
        return ch;
    }
}
