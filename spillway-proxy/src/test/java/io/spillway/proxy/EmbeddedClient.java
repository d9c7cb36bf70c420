package io.spillway.proxy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.spillway.core.log.AccessLog;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.transport.Transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A client connection of a vServer on an {@link EmbeddedChannel}, for tests of one data-plane
 * handler at a time: the channel joins a client at 127.0.0.1 to a listener at 127.0.0.1:8080,
 * as an accepted connection does, and its {@link ClientConnection} is built as
 * {@link ClientPipeline} builds it, from the route a listener of {@code graph} would hold (its
 * idle pool on a loop of {@code transport}, as the channel has none before it is registered).
 * The channel is registered (and active) only when the test has put its handlers in place:
 * {@code channel.register()}.
 */
final class EmbeddedClient extends EmbeddedChannel {

    final ClientConnection connection;

    EmbeddedClient(RuntimeGraph graph, String vserver, Transport transport) throws Exception {
        super(false, false);
        Route route = new Route(graph.vserver(vserver).config(), graph.chain(vserver), null, GraphResources.build(graph));
        ConnectionBudget budget = new ConnectionBudget(1);
        budget.tryAcquire();
        connection = new ClientConnection(this, route, ClientTimer.of(route), new UpstreamPool(transport.group().next(), 0),
                new UpstreamConnector(transport), AccessLog.NONE, budget);
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    protected SocketAddress localAddress0() {
        return new InetSocketAddress("127.0.0.1", 8080);
    }
}
