package io.spillway.proxy;

import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.testkit.TcpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * D2 admission hook: a vServer that names peers asks the {@link PeerRouter} first; a connection
 * given to a peer is admitted to the vServer standing for it (whose single service is not in the
 * graph) and relayed there, and every slot is released on close.
 */
class PeerRouterTest {

    @RegisterExtension
    static final TestNet net = new TestNet();
    private final List<TcpClient> clients = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (TcpClient c : clients) {
            c.close();
        }
    }

    private String land(ProxyServer proxy) throws IOException {
        TcpClient c = TcpClient.connect(proxy.boundAddress("front"));
        clients.add(c);
        return c.greeting();
    }

    /** front (tcp, one local service a1), with {@code peers} as given. */
    private RuntimeGraph front(List<String> peers) throws Exception {
        TcpBackend a1 = net.tcpBackend("a1");
        SpillwayConfig base = Configs.create()
                .service("a1", a1.port(), ServiceProtocol.TCP, 100, 1)
                .vserver(vs("front", VServerProtocol.TCP, "a1"))
                .config();
        VServerConfig f = base.vservers().get(0);
        VServerConfig withPeers = new VServerConfig(f.name(), f.listen(), f.protocol(), f.tls(), f.lbMethod(),
                f.services(), f.spillover(), peers, f.timeouts(), f.limits());
        return RuntimeGraph.build(new SpillwayConfig(base.admin(), base.monitors(), base.services(),
                List.of(withPeers), base.gslb()));
    }

    /** A vServer outside the graph standing for a peer site: one tcp service at {@code backend}. */
    private static VirtualServer peerVServer(TcpBackend backend) {
        ServiceConfig s = new ServiceConfig("front@far", new HostPort("127.0.0.1", backend.port()), ServiceProtocol.TCP,
                0, null, 1, List.of(), null, null);
        VServerConfig v = new VServerConfig("front@far", null, VServerProtocol.TCP, null, LbMethod.ROUNDROBIN,
                List.of(s.name()), SpilloverConfig.NONE, List.of(), null, null);
        return new VirtualServer(v, List.of(new Service(s)), null);
    }

    @Test
    void connectionsTheRouterGivesToAPeerAreRelayedToThePeerAndReleasedOnClose() throws Exception {
        RuntimeGraph graph = front(List.of("far"));
        VirtualServer far = peerVServer(net.tcpBackend("far"));
        ProxyServer proxy = net.proxy(graph);
        AtomicInteger turns = new AtomicInteger();
        proxy.setPeerRouter((head, client) -> {
            assertThat(head).isSameAs(graph.vserver("front"));
            return turns.getAndIncrement() % 2 == 1 ? far : null;
        });

        List<String> landed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            landed.add(land(proxy));
        }
        assertThat(landed).containsExactly("a1", "far", "a1", "far", "a1", "far");
        assertThat(far.admitted()).isEqualTo(3);
        assertThat(far.activeConnections()).isEqualTo(3);
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(3);

        for (TcpClient c : clients) {
            c.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> far.activeConnections() == 0
                && graph.vserver("front").activeConnections() == 0
                && far.services().get(0).activeConnections() == 0);
    }

    @Test
    void vServerWithoutPeersNeverAsksTheRouter() throws Exception {
        RuntimeGraph graph = front(List.of());
        ProxyServer proxy = net.proxy(graph);
        AtomicInteger calls = new AtomicInteger();
        proxy.setPeerRouter((head, client) -> {
            calls.incrementAndGet();
            return null;
        });
        assertThat(List.of(land(proxy), land(proxy))).containsExactly("a1", "a1");
        assertThat(calls).hasValue(0);
    }

    @Test
    void failingRouterLeavesTheConnectionToTheVServerItself() throws Exception {
        RuntimeGraph graph = front(List.of("far"));
        ProxyServer proxy = net.proxy(graph);
        proxy.setPeerRouter((head, client) -> {
            throw new IllegalStateException("router broke");
        });
        assertThat(land(proxy)).isEqualTo("a1");
        proxy.setPeerRouter(null);
        assertThat(land(proxy)).isEqualTo("a1");
        assertThat(graph.vserver("front").admitted()).isEqualTo(2);
    }
}
