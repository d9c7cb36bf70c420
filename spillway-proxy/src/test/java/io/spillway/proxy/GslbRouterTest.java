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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * G6 admission hook: a vServer with {@code gslb: {domain}} has no services; the listener's
 * {@link GslbRouter} chooses, possibly later, the vServer standing for a branch, and the
 * connection is admitted there and served as by any service. Nothing is read from the client
 * while the choice is on its way, nothing is lost of what it sent meanwhile, and no slot is taken
 * for a client that left before it.
 */
class GslbRouterTest {

    @RegisterExtension
    static final TestNet net = new TestNet();

    /** One vServer {@code front} of {@code protocol} with {@code gslb: app.example.com} and no services. */
    private static RuntimeGraph front(VServerProtocol protocol) {
        SpillwayConfig base = Configs.create().config();
        VServerConfig front = new VServerConfig("front", new HostPort("127.0.0.1", 0), protocol, null,
                LbMethod.ROUNDROBIN, List.of(), SpilloverConfig.NONE, List.of(), null, null, true, "app.example.com");
        return RuntimeGraph.build(new SpillwayConfig(base.admin(), base.monitors(), base.services(),
                List.of(front), base.gslb()));
    }

    /** A vServer outside the graph standing for a branch: one service of {@code protocol} at {@code port}. */
    private static VirtualServer branch(String site, ServiceProtocol protocol, int port) {
        ServiceConfig s = new ServiceConfig("front@" + site, new HostPort("127.0.0.1", port), protocol,
                0, null, 1, List.of(), null, null);
        VServerConfig v = new VServerConfig(s.name(), null, protocol == ServiceProtocol.HTTP ? VServerProtocol.HTTP
                : VServerProtocol.TCP, null, LbMethod.ROUNDROBIN, List.of(s.name()), SpilloverConfig.NONE, List.of(),
                null, null);
        return new VirtualServer(v, List.of(new Service(s)), null);
    }

    @Test
    void requestSentBeforeTheBranchIsChosenIsServedByTheBranchChosenLater() throws Exception {
        RuntimeGraph graph = front(VServerProtocol.HTTP);
        VirtualServer far = branch("far", ServiceProtocol.HTTP, net.httpBackend("far").port());
        ProxyServer proxy = net.proxy(graph);
        CompletableFuture<VirtualServer> choice = new CompletableFuture<>();
        AtomicReference<VirtualServer> asked = new AtomicReference<>();
        proxy.setGslbRouter((head, client) -> {
            asked.set(head);
            return choice;
        });

        try (RawHttp c = RawHttp.connect(proxy.boundAddress("front"))) {
            c.send("POST /echo HTTP/1.1\r\nHost: app.example.com\r\nContent-Length: 5\r\n\r\nhello");
            await().atMost(Duration.ofSeconds(5)).until(() -> asked.get() != null);
            assertThat(asked.get()).isSameAs(graph.vserver("front"));
            assertThat(far.admitted()).isZero();
            choice.complete(far);
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello");
        }
        assertThat(far.admitted()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> far.activeConnections() == 0
                && far.services().get(0).activeConnections() == 0);
        assertThat(graph.vserver("front").admitted()).as("the head itself took nothing").isZero();
    }

    @Test
    void requestOfAClientThatEndsItsInputBeforeTheChoiceIsStillServed() throws Exception {
        RuntimeGraph graph = front(VServerProtocol.HTTP);
        VirtualServer far = branch("far", ServiceProtocol.HTTP, net.httpBackend("far").port());
        ProxyServer proxy = net.proxy(graph);
        CompletableFuture<VirtualServer> choice = new CompletableFuture<>();
        AtomicReference<VirtualServer> asked = new AtomicReference<>();
        proxy.setGslbRouter((head, client) -> {
            asked.set(head);
            return choice;
        });
        try (Socket s = new Socket(proxy.boundAddress("front").getAddress(), proxy.boundAddress("front").getPort())) {
            s.setSoTimeout(5000);
            await().atMost(Duration.ofSeconds(5)).until(() -> asked.get() != null);
            s.getOutputStream().write("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"
                    .getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            choice.completeAsync(() -> far);
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("hi");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> far.activeConnections() == 0);
    }

    @Test
    void tcpConnectionIsRelayedToTheChosenBranch() throws Exception {
        RuntimeGraph graph = front(VServerProtocol.TCP);
        VirtualServer far = branch("far", ServiceProtocol.TCP, net.tcpBackend("far").port());
        ProxyServer proxy = net.proxy(graph);
        proxy.setGslbRouter((head, client) -> CompletableFuture.supplyAsync(() -> far));
        try (TcpClient c = TcpClient.connect(proxy.boundAddress("front"))) {
            assertThat(c.greeting()).isEqualTo("far");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> far.activeConnections() == 0);
        assertThat(far.admitted()).isEqualTo(1);
    }

    @Test
    void clientThatResetsItsConnectionBeforeTheChoiceTakesNoSlot() throws Exception {
        RuntimeGraph graph = front(VServerProtocol.HTTP);
        VirtualServer far = branch("far", ServiceProtocol.HTTP, net.httpBackend("far").port());
        ProxyServer proxy = net.proxy(graph);
        CompletableFuture<VirtualServer> choice = new CompletableFuture<>();
        proxy.setGslbRouter((head, client) -> choice);
        try (Socket s = new Socket(proxy.boundAddress("front").getAddress(), proxy.boundAddress("front").getPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoLinger(true, 0); // closed with a reset
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.clientConnections() == 0);
        choice.complete(far);
        assertThat(far.admitted()).isZero();
        assertThat(far.activeConnections()).isZero();
        assertThat(graph.vserver("front").activeConnections()).isZero();
    }

    @Test
    void clientThatClosesBeforeTheChoiceHoldsNothingOnceItIsMade() throws Exception {
        RuntimeGraph graph = front(VServerProtocol.HTTP);
        VirtualServer far = branch("far", ServiceProtocol.HTTP, net.httpBackend("far").port());
        ProxyServer proxy = net.proxy(graph);
        CompletableFuture<VirtualServer> choice = new CompletableFuture<>();
        proxy.setGslbRouter((head, client) -> choice);
        new Socket(proxy.boundAddress("front").getAddress(), proxy.boundAddress("front").getPort()).close();
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.clientConnections() == 1);
        choice.complete(far);
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.clientConnections() == 0);
        assertThat(far.activeConnections()).isZero();
        assertThat(far.services().get(0).activeConnections()).isZero();
    }

    @Test
    void noBranchChosenOrNoRouterIsServiceUnavailable() throws Exception {
        RuntimeGraph graph = front(VServerProtocol.HTTP);
        ProxyServer proxy = net.proxy(graph);
        proxy.setGslbRouter((head, client) -> CompletableFuture.completedFuture(null));
        assertThat(get(proxy).status()).isEqualTo(503);
        proxy.setGslbRouter((head, client) -> CompletableFuture.failedFuture(new IllegalStateException("no link")));
        assertThat(get(proxy).status()).isEqualTo(503);
        proxy.setGslbRouter((head, client) -> {
            throw new IllegalStateException("router broke");
        });
        assertThat(get(proxy).status()).isEqualTo(503);
        proxy.setGslbRouter(null);
        assertThat(get(proxy).status()).isEqualTo(503);
        await().atMost(Duration.ofSeconds(5)).until(() -> graph.vserver("front").activeConnections() == 0);
    }

    @Test
    void unreachableBranchIsABadGateway() throws Exception {
        RuntimeGraph graph = front(VServerProtocol.HTTP);
        VirtualServer gone = branch("gone", ServiceProtocol.HTTP, TestNet.refusedPort());
        ProxyServer proxy = net.proxy(graph);
        proxy.setGslbRouter((head, client) -> CompletableFuture.completedFuture(gone));
        RawHttp.Response r = get(proxy);
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.body()).contains("no service could be reached");
    }

    private static RawHttp.Response get(ProxyServer proxy) throws Exception {
        try (RawHttp c = RawHttp.connect(proxy.boundAddress("front"))) {
            return c.get("/");
        }
    }
}
