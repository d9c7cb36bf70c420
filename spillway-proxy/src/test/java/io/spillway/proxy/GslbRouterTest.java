package io.spillway.proxy;

import io.spillway.core.log.RateLimitedLog;
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
import io.spillway.testing.LogCapture;
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
    static VirtualServer branch(String site, ServiceProtocol protocol, int port) {
        ServiceConfig s = new ServiceConfig("front@" + site, new HostPort("127.0.0.1", port), protocol,
                0, null, 1, List.of(), null, null);
        VServerConfig v = new VServerConfig(s.name(), null, protocol == ServiceProtocol.HTTP ? VServerProtocol.HTTP
                : VServerProtocol.TCP, null, LbMethod.ROUNDROBIN, List.of(s.name()), SpilloverConfig.NONE, List.of(),
                null, null);
        return new VirtualServer(v, List.of(new Service(s)), null);
    }

    /**
     * An http {@code front} whose router answers every connection with {@link #choice}, completed
     * by the test; {@link #asked} is the head it was asked for; {@link #far} a branch in front of
     * an HTTP backend named "far".
     */
    private static final class PendingChoice {
        final RuntimeGraph graph = front(VServerProtocol.HTTP);
        final VirtualServer far = branch("far", ServiceProtocol.HTTP, net.httpBackend("far").port());
        final ProxyServer proxy = net.proxy(graph);
        final CompletableFuture<VirtualServer> choice = new CompletableFuture<>();
        final AtomicReference<VirtualServer> asked = new AtomicReference<>();

        PendingChoice() throws Exception {
            proxy.setGslbRouter((head, client) -> {
                asked.set(head);
                return choice;
            });
        }

        Socket connect() throws Exception {
            Socket s = new Socket(proxy.boundAddress("front").getAddress(), proxy.boundAddress("front").getPort());
            s.setSoTimeout(5000);
            await().atMost(Duration.ofSeconds(5)).until(() -> asked.get() != null);
            return s;
        }
    }

    @Test
    void requestSentBeforeTheBranchIsChosenIsServedByTheBranchChosenLater() throws Exception {
        PendingChoice p = new PendingChoice();
        try (RawHttp c = RawHttp.over(p.connect())) {
            c.send("POST /echo HTTP/1.1\r\nHost: app.example.com\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(p.asked.get()).isSameAs(p.graph.vserver("front"));
            assertThat(p.far.admitted()).isZero();
            p.choice.complete(p.far);
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello");
        }
        assertThat(p.far.admitted()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> p.far.activeConnections() == 0
                && p.far.services().get(0).activeConnections() == 0);
        assertThat(p.graph.vserver("front").admitted()).as("the head itself took nothing").isZero();
    }

    @Test
    void requestOfAClientThatEndsItsInputBeforeTheChoiceIsStillServed() throws Exception {
        PendingChoice p = new PendingChoice();
        try (Socket s = p.connect()) {
            s.getOutputStream().write("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"
                    .getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            p.choice.completeAsync(() -> p.far);
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("hi");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> p.far.activeConnections() == 0);
    }

    @Test
    void clientThatResetsItsConnectionBeforeTheChoiceTakesNoSlot() throws Exception {
        PendingChoice p = new PendingChoice();
        try (Socket s = p.connect()) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoLinger(true, 0); // closed with a reset
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> p.proxy.clientConnections() == 0);
        p.choice.complete(p.far);
        assertThat(p.far.admitted()).isZero();
        assertThat(p.far.activeConnections()).isZero();
        assertThat(p.graph.vserver("front").activeConnections()).isZero();
    }

    @Test
    void clientThatClosesBeforeTheChoiceHoldsNothingOnceItIsMade() throws Exception {
        PendingChoice p = new PendingChoice();
        p.connect().close();
        p.choice.complete(p.far);
        await().atMost(Duration.ofSeconds(5)).until(() -> p.proxy.clientConnections() == 0);
        assertThat(p.far.activeConnections()).isZero();
        assertThat(p.far.services().get(0).activeConnections()).isZero();
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
    void routerThatKeepsFailingLogsABoundedNumberOfLines() throws Exception {
        RuntimeGraph graph = front(VServerProtocol.HTTP);
        ProxyServer proxy = net.proxy(graph);
        proxy.setGslbRouter((head, client) -> {
            throw new IllegalStateException("router broke");
        });
        try (LogCapture log = LogCapture.of(AdmissionHandler.class)) {
            int connections = 60;
            long started = System.nanoTime();
            for (int i = 0; i < connections; i++) {
                assertThat(get(proxy).status()).isEqualTo(503);
            }
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            long written = log.count(m -> m.startsWith("GSLB routing for vserver front failed"));
            // clients trigger it: the burst, then one line a second at most, not one per connection
            assertThat(written).as("lines for %d connections in %d s", connections, seconds)
                    .isLessThanOrEqualTo(RateLimitedLog.DEFAULT_BURST + seconds + 1);
        }
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
