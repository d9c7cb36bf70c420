package io.spillway.proxy;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.spillway.proxy.Configs.vs;
import static io.spillway.proxy.HttpSpilloverTest.awaitAllReleased;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * HTTP/2 to services (CONTRACT "HTTP engine"): a real grpc-java server behind an h2c or h2
 * service and a real grpc-java client in front, through an http vServer; trailers pass through.
 */
class GrpcThroughProxyTest {

    private static TestNet net;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        net = new TestNet();
    }

    @AfterAll
    static void tearDown() throws Exception {
        net.close();
    }

    @AfterEach
    void cleanUp() throws Exception {
        closeClients();
        net.closeStarted();
    }

    private void closeClients() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        channels.clear();
    }

    /** Every slot is given back once the clients have gone: vServer slots with their connections. */
    private void closeClientsAndAwaitReleased(RuntimeGraph graph) throws InterruptedException {
        await().atMost(Duration.ofSeconds(5)).until(() -> graph.service("grpc").activeConnections() == 0);
        closeClients();
        awaitAllReleased(graph);
    }

    private record Setup(RuntimeGraph graph, ProxyServer proxy, GrpcBackend backend) {
    }

    private Setup proxied(ServiceProtocol protocol, TestCertificate backendCert) throws Exception {
        GrpcBackend backend = net.track(new GrpcBackend(backendCert));
        RuntimeGraph graph = Configs.create()
                .service("grpc", backend.port(), protocol, 100, 1)
                .vserver(vs("front", VServerProtocol.HTTP, "grpc"))
                .graph();
        return new Setup(graph, net.proxy(graph), backend);
    }

    private ManagedChannel client(ProxyServer proxy) {
        ManagedChannel c = Grpc.newChannelBuilderForAddress("127.0.0.1", proxy.boundAddress("front").getPort(),
                InsecureChannelCredentials.create()).build();
        channels.add(c);
        return c;
    }

    private static void assertCallsWork(ManagedChannel channel) {
        assertThat(ClientCalls.blockingUnaryCall(channel, GrpcBackend.UNARY, CallOptions.DEFAULT, "hello"))
                .isEqualTo("hello!");
        List<String> counted = new ArrayList<>();
        ClientCalls.blockingServerStreamingCall(channel, GrpcBackend.COUNT, CallOptions.DEFAULT, "n")
                .forEachRemaining(counted::add);
        assertThat(counted).containsExactly("n-1", "n-2", "n-3");
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, GrpcBackend.UNARY, CallOptions.DEFAULT, "missing"))
                .as("the status travels in the trailers")
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).isEqualTo("no such thing");
                });
    }

    @Test
    void unaryAndServerStreamingCallsWorkThroughAnH2cService() throws Exception {
        Setup s = proxied(ServiceProtocol.H2C, null);
        assertCallsWork(client(s.proxy()));
        closeClientsAndAwaitReleased(s.graph());
    }

    @Test
    void unaryAndServerStreamingCallsWorkThroughAnH2ServiceOverTls() throws Exception {
        Setup s = proxied(ServiceProtocol.H2, TestCertificate.get());
        assertCallsWork(client(s.proxy()));
        closeClientsAndAwaitReleased(s.graph());
    }

    @Test
    void concurrentCallsShareOneServiceConnectionAndEachHoldsAServiceSlot() throws Exception {
        Setup s = proxied(ServiceProtocol.H2C, null);
        ManagedChannel channel = client(s.proxy());
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(CompletableFuture.supplyAsync(
                    () -> ClientCalls.blockingUnaryCall(channel, GrpcBackend.UNARY, CallOptions.DEFAULT, "hold")));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> s.backend().held() == 20);
        assertThat(s.graph().service("grpc").activeConnections()).as("capacity counts concurrent streams").isEqualTo(20);
        assertThat(s.backend().transports()).as("multiplexed over one connection").isEqualTo(1);
        s.backend().release();
        for (CompletableFuture<String> c : calls) {
            assertThat(c.get(10, TimeUnit.SECONDS)).isEqualTo("hold!");
        }
        closeClientsAndAwaitReleased(s.graph());
    }

    @Test
    void anHttp11ClientGetsTheTrailersInTheLastChunk() throws Exception {
        Setup s = proxied(ServiceProtocol.H2C, null);
        byte[] message = "hi".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(new byte[] {0, 0, 0, 0, (byte) message.length});
        frame.write(message);
        try (RawHttp raw = RawHttp.connect(s.proxy().boundAddress("front"))) {
            raw.send("POST /test.Echo/Unary HTTP/1.1\r\nHost: grpc.local\r\nContent-Type: application/grpc\r\n"
                    + "TE: trailers\r\nContent-Length: " + frame.size() + "\r\n\r\n");
            raw.send(frame.toByteArray());
            RawHttp.Response r = raw.read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Transfer-Encoding")).isEqualToIgnoringCase("chunked");
            assertThat(new String(r.bodyBytes(), 5, r.bodyBytes().length - 5, StandardCharsets.UTF_8)).isEqualTo("hi!");
            assertThat(r.trailers().get("grpc-status")).containsExactly("0");
        }
    }
}
