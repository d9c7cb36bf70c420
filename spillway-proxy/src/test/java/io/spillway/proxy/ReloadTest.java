package io.spillway.proxy;

import io.spillway.core.model.HostPort;
import io.spillway.core.model.TlsConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.HttpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;

import static io.spillway.proxy.Configs.vs;
import static io.spillway.proxy.HttpSpilloverTest.awaitAllReleased;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** P3: {@link ProxyServer#swap} applies a new graph without dropping established connections. */
class ReloadTest {

    @RegisterExtension
    static final TestNet net = new TestNet();

    @Test
    void unchangedListenerStaysBoundWhileNewConnectionsUseTheNewGraphAndOldOnesKeepTheirs() throws Exception {
        HttpBackend a = net.httpBackend("a");
        HttpBackend b = net.httpBackend("b");
        RuntimeGraph before = Configs.create()
                .service("svc", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTP, "svc"))
                .graph();
        RuntimeGraph after = Configs.create()
                .service("svc", b.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTP, "svc"))
                .graph();
        ProxyServer proxy = net.proxy(before);
        InetSocketAddress address = proxy.boundAddress("front");
        try (RawHttp old = RawHttp.connect(address)) {
            assertThat(old.get("/").body()).isEqualTo("a");

            proxy.swap(after);

            assertThat(proxy.boundAddress("front")).isEqualTo(address);
            try (RawHttp fresh = RawHttp.connect(address)) {
                assertThat(fresh.get("/").body()).isEqualTo("b");
                assertThat(after.vserver("front").activeConnections()).isEqualTo(1);
            }
            assertThat(old.get("/").body()).as("the established connection keeps its vServer").isEqualTo("a");
            assertThat(before.vserver("front").activeConnections()).isEqualTo(1);
        }
        awaitAllReleased(before);
        awaitAllReleased(after);
    }

    @Test
    void removedListenerClosesAndAddedListenerBinds() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph before = Configs.create()
                .service("svc", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTP, "svc"))
                .vserver(vs("gone", VServerProtocol.HTTP, "svc").listen(new HostPort("127.0.0.1", freePort())))
                .graph();
        ProxyServer proxy = net.proxy(before);
        InetSocketAddress goneAt = proxy.boundAddress("gone");
        try (RawHttp c = RawHttp.connect(goneAt)) {
            assertThat(c.get("/").body()).isEqualTo("a");
        }
        RuntimeGraph after = Configs.create()
                .service("svc", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTP, "svc"))
                .vserver(vs("fresh", VServerProtocol.TCP, "svc").listen(new HostPort("127.0.0.1", freePort())))
                .graph();

        proxy.swap(after);

        assertThat(proxy.boundAddress("gone")).isNull();
        assertThatThrownBy(() -> new Socket(goneAt.getAddress(), goneAt.getPort()).close())
                .isInstanceOf(ConnectException.class);
        try (RawHttp c = RawHttp.connect(proxy.boundAddress("fresh"))) {
            assertThat(c.get("/").body()).as("tcp vServer relays the bytes").isEqualTo("a");
        }
    }

    @Test
    void reloadWithAnUnreadableCertificateChangesNothing() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph before = Configs.create()
                .service("svc", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTP, "svc"))
                .graph();
        ProxyServer proxy = net.proxy(before);
        InetSocketAddress address = proxy.boundAddress("front");
        Path missing = Path.of("/nonexistent/cert.pem");
        RuntimeGraph broken = Configs.create()
                .service("svc", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTP, "svc"))
                .vserver(new Configs.VServer("secure", VServerProtocol.HTTPS, java.util.List.of("svc"))
                        .tlsFiles(new TlsConfig(missing.toString(), missing.toString())))
                .graph();

        assertThatThrownBy(() -> proxy.swap(broken)).isInstanceOf(IllegalStateException.class);

        assertThat(proxy.boundAddress("front")).isEqualTo(address);
        try (RawHttp c = RawHttp.connect(address)) {
            assertThat(c.get("/").body()).isEqualTo("a");
        }
        awaitAllReleased(before);
    }

    @Test
    void reloadWhoseNewListenerCannotBindChangesNothing() throws Exception {
        HttpBackend a = net.httpBackend("a");
        HttpBackend b = net.httpBackend("b");
        RuntimeGraph before = Configs.create()
                .service("svc", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTP, "svc"))
                .graph();
        ProxyServer proxy = net.proxy(before);
        InetSocketAddress address = proxy.boundAddress("front");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            RuntimeGraph clash = Configs.create()
                    .service("svc", b.port(), 10)
                    .vserver(vs("front", VServerProtocol.HTTP, "svc"))
                    .vserver(vs("extra", VServerProtocol.HTTP, "svc")
                            .listen(new HostPort("127.0.0.1", taken.getLocalPort())))
                    .graph();

            assertThatThrownBy(() -> proxy.swap(clash)).isInstanceOf(IllegalStateException.class);
        }
        try (RawHttp c = RawHttp.connect(address)) {
            assertThat(c.get("/").body()).as("still the old graph").isEqualTo("a");
        }
        assertThat(proxy.boundAddress("extra")).isNull();
    }

    private static int freePort() throws IOException {
        return TestNet.refusedPort();
    }
}
