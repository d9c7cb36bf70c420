package io.spillway.proxy;

import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.HttpBackend;
import io.spillway.testing.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;

/** Certificates by SNI (CONTRACT {@code vservers[].tls.certificates}): the names come from each certificate. */
class SniCertificatesTest {

    private static TestNet net;
    private static TestCertificate localhost;
    private static TestCertificate shop;

    @BeforeAll
    static void setUp() throws Exception {
        net = new TestNet();
        localhost = TestCertificate.get();
        shop = TestCertificate.forName("shop.example");
    }

    @AfterAll
    static void tearDown() throws Exception {
        net.close();
    }

    @AfterEach
    void cleanUp() throws Exception {
        net.closeStarted();
    }

    /** Connects with {@code sni} (null: none), checks the proxied answer, returns the CN of the certificate presented. */
    private static String presented(InetSocketAddress at, String sni) throws Exception {
        SSLSocket socket = (SSLSocket) TestCertificate.trustingAll().getSocketFactory().createSocket(at.getAddress(), at.getPort());
        SSLParameters params = socket.getSSLParameters();
        params.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        socket.setSSLParameters(params);
        socket.setSoTimeout(5000);
        socket.startHandshake();
        X509Certificate cert = (X509Certificate) socket.getSession().getPeerCertificates()[0];
        try (RawHttp http = RawHttp.over(socket)) {
            assertThat(http.get("/").body()).isEqualTo("a");
        }
        return cert.getSubjectX500Principal().getName();
    }

    @Test
    void theClientsServerNamePicksTheCertificateAndTheFirstIsTheDefault() throws Exception {
        HttpBackend a = net.httpBackend("a");
        RuntimeGraph graph = Configs.create().service("a", a.port(), 10)
                .vserver(vs("front", VServerProtocol.HTTPS, "a").tls(localhost, shop)).graph();
        InetSocketAddress at = net.proxy(graph).boundAddress("front");

        assertThat(presented(at, "shop.example")).isEqualTo("CN=shop.example");
        assertThat(presented(at, "localhost")).isEqualTo("CN=localhost");
        assertThat(presented(at, "unknown.example")).as("a name no certificate carries").isEqualTo("CN=localhost");
        assertThat(presented(at, null)).as("no SNI").isEqualTo("CN=localhost");
    }

    @Test
    void namesAreReadFromTheCertificatesSubjectAlternativeNames() throws Exception {
        assertThat(ServerTls.names(localhost.certificatePem())).containsExactly("localhost");
        assertThat(ServerTls.names(shop.certificatePem())).containsExactly("shop.example");
    }
}
