package io.spillway.proxy;

import io.netty.handler.ssl.SslContext;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.TlsPolicy;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.HttpBackend;
import io.spillway.testing.TcpBackend;
import io.spillway.testing.TestCertificate;
import io.spillway.transport.Tls;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.time.Duration;

import static io.spillway.proxy.Configs.vs;
import static io.spillway.proxy.HttpSpilloverTest.awaitAllReleased;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS end to end (SPEC S1, S8) with a certificate made by keytool in the test (see
 * {@link TestCertificate}): https termination, tls-tcp passthrough, and TLS to the services.
 */
class TlsTest {

    @RegisterExtension
    static final TestNet net = new TestNet();
    private static TestCertificate cert;
    private static SSLContext clientTls;

    @BeforeAll
    static void setUp() throws Exception {
        cert = TestCertificate.get();
        clientTls = cert.sslContext();
    }

    private static HttpClient httpsClient() {
        return HttpClient.newBuilder().sslContext(clientTls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void httpsVServerTerminatesTlsAndForwardsPlainHttp() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create()
                .service("a", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTPS, "a").tls(cert))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        URI uri = URI.create("https://localhost:" + proxy.boundAddress("front").getPort() + "/");
        HttpClient client = httpsClient();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("a");
        }
        assertThat(a.lastHeaders().getFirst("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(graph.vserver("front").activeConnections()).as("one keep-alive TLS connection").isEqualTo(1);
    }

    @Test
    void failedTlsHandshakeClosesTheConnectionAndReleasesItsSlot() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create()
                .service("a", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTPS, "a").tls(cert))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        try (RawHttp plain = RawHttp.connect(proxy.boundAddress("front"))) {
            plain.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            plain.readUntilClosed();
        }
        awaitAllReleased(graph);
        assertThat(a.requests()).isZero();
    }

    @Test
    void tlsTcpVServerPassesTheBackendsTlsThroughUntouched() throws Exception {
        SslContext backendTls = Tls.server(cert.certificatePem().toString(), cert.keyPem().toString(), TlsPolicy.DEFAULT);
        TcpBackend t = net.track(new TcpBackend(backendTls).on(net.backendGroup).greeting("t\n").start());
        RuntimeGraph graph = Configs.create()
                .service("t", t.port(), ServiceProtocol.TCP, 10, 1)
                .vserver(vs("front", VServerProtocol.TLS_TCP, "t"))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        InetSocketAddress at = proxy.boundAddress("front");
        try (SSLSocket s = (SSLSocket) clientTls.getSocketFactory().createSocket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            Certificate[] presented = s.getSession().getPeerCertificates();
            assertThat(presented[0].getEncoded()).as("the backend's own certificate")
                    .isEqualTo(cert.certificate().getEncoded());
            InputStream in = s.getInputStream();
            assertThat(new String(in.readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("t\n");
            s.getOutputStream().write("secret".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertThat(new String(in.readNBytes(6), StandardCharsets.US_ASCII)).isEqualTo("secret");
            assertThat(graph.vserver("front").activeConnections()).isEqualTo(1);
        }
        awaitAllReleased(graph);
    }

    @Test
    void httpVServerSpeaksTlsToATlsService() throws Exception {
        HttpBackend secure = net.track(new HttpBackend("secure", clientTls).start());
        RuntimeGraph graph = Configs.create()
                .service("secure", secure.port(), ServiceProtocol.TLS, 10, 1)
                .vserver(vs("front", VServerProtocol.HTTP, "secure"))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        try (RawHttp c = RawHttp.connect(proxy.boundAddress("front"))) {
            for (int i = 0; i < 3; i++) {
                assertThat(c.get("/").body()).isEqualTo("secure");
            }
        }
        assertThat(secure.connections()).isEqualTo(1);
        awaitAllReleased(graph);
    }

    @Test
    void tcpVServerSpeaksTlsToATlsService() throws Exception {
        SslContext backendTls = Tls.server(cert.certificatePem().toString(), cert.keyPem().toString(), TlsPolicy.DEFAULT);
        TcpBackend t = net.track(new TcpBackend(backendTls).on(net.backendGroup).greeting("t\n").start());
        RuntimeGraph graph = Configs.create()
                .service("t", t.port(), ServiceProtocol.TLS, 10, 1)
                .vserver(vs("front", VServerProtocol.TCP, "t"))
                .graph();
        ProxyServer proxy = net.proxy(graph);
        try (TcpClient c = TcpClient.connect(proxy.boundAddress("front"))) {
            assertThat(c.greeting()).isEqualTo("t");
            c.write("hello");
            assertThat(c.read(5)).isEqualTo("hello");
        }
        awaitAllReleased(graph);
    }
}
