package io.spillway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link Transport}'s bootstraps: every TCP connection of the data plane, accepted or opened,
 * sends small writes at once ({@code TCP_NODELAY}), without the bootstraps setting it a second time.
 */
class TransportTest {

    @ParameterizedTest(name = "epoll: {0}")
    @ValueSource(booleans = {true, false})
    void acceptedAndOpenedConnectionsHaveNoDelayOn(boolean epoll) throws Exception {
        assumeThat(!epoll || Epoll.isAvailable()).as("native epoll").isTrue();
        try (Transport transport = Transport.create(1, epoll)) {
            CompletableFuture<Boolean> accepted = new CompletableFuture<>();
            Channel listener = transport.serverBootstrap()
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepted.complete(ch.config().getOption(ChannelOption.TCP_NODELAY));
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            try {
                Channel client = transport.clientBootstrap()
                        .handler(new ChannelInitializer<>() {
                            @Override
                            protected void initChannel(Channel ch) {
                            }
                        })
                        .connect(listener.localAddress()).sync().channel();
                try {
                    assertThat(client.config().getOption(ChannelOption.TCP_NODELAY)).as("opened").isTrue();
                    assertThat(accepted.get(10, TimeUnit.SECONDS)).as("accepted").isTrue();
                } finally {
                    client.close().sync();
                }
            } finally {
                listener.close().sync();
            }
        }
    }
}
