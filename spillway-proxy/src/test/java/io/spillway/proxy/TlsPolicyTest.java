package io.spillway.proxy;

import io.spillway.core.model.TlsPolicy;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.HttpBackend;
import io.spillway.testing.TestCertificate;
import io.spillway.transport.Tls;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an https vServer offers in the handshake ({@code tls.protocols}, {@code tls.ciphers}):
 * by default TLS 1.3 and 1.2 with forward-secret AEAD suites only, otherwise exactly the
 * versions and suites configured. Each case is a real handshake by a JDK client that offers one
 * version and one suite.
 */
class TlsPolicyTest {

    @RegisterExtension
    static final TestNet net = new TestNet();
    private static TestCertificate cert;
    private static SSLContext clientTls;

    @BeforeAll
    static void setUp() throws Exception {
        cert = TestCertificate.get();
        clientTls = cert.sslContext();
    }

    private InetSocketAddress front(TlsPolicy policy) throws Exception {
        HttpBackend a = net.httpBackend("a");
        Configs.VServer front = vs("front", VServerProtocol.HTTPS, "a").tls(cert);
        if (policy != null) {
            front.offering(policy);
        }
        RuntimeGraph graph = Configs.create().service("a", a.port(), 10).vserver(front).graph();
        return net.proxy(graph).boundAddress("front");
    }

    /** A handshake offering only {@code protocol} and {@code cipher}; the session it agreed. */
    private static SSLSession handshake(InetSocketAddress at, String protocol, String cipher) throws IOException {
        assertThat(clientTls.getSupportedSSLParameters().getCipherSuites())
                .as("the test client can offer %s", cipher).contains(cipher);
        try (SSLSocket s = (SSLSocket) clientTls.getSocketFactory().createSocket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(5_000);
            s.setEnabledProtocols(new String[] {protocol});
            s.setEnabledCipherSuites(new String[] {cipher});
            s.startHandshake();
            return s.getSession();
        }
    }

    @Test
    void byDefaultTls13AndForwardSecretAeadSuitesOfTls12AreAgreed() throws Exception {
        InetSocketAddress at = front(null);

        assertThat(handshake(at, "TLSv1.3", "TLS_AES_128_GCM_SHA256").getProtocol()).isEqualTo("TLSv1.3");
        SSLSession tls12 = handshake(at, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        assertThat(tls12.getProtocol()).isEqualTo("TLSv1.2");
        assertThat(tls12.getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    }

    @Test
    void byDefaultCbcSuitesAndSuitesWithoutForwardSecrecyAreRefused() throws Exception {
        InetSocketAddress at = front(null);

        assertThatThrownBy(() -> handshake(at, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"))
                .as("CBC with a SHA-1 MAC").isInstanceOf(SSLException.class);
        assertThatThrownBy(() -> handshake(at, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"))
                .as("CBC").isInstanceOf(SSLException.class);
    }

    @Test
    void configuredProtocolsAreTheOnlyOnesOffered() throws Exception {
        InetSocketAddress at = front(new TlsPolicy(List.of("TLSv1.2"), null));

        assertThat(handshake(at, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").getProtocol()).isEqualTo("TLSv1.2");
        assertThatThrownBy(() -> handshake(at, "TLSv1.3", "TLS_AES_128_GCM_SHA256")).isInstanceOf(SSLException.class);
    }

    @Test
    void configuredTls12CiphersAreTheOnlyOnesOffered() throws Exception {
        InetSocketAddress at = front(new TlsPolicy(null, List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")));

        assertThat(handshake(at, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256").getCipherSuite())
                .isEqualTo("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
        assertThatThrownBy(() -> handshake(at, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
                .isInstanceOf(SSLException.class);
    }

    @Test
    void narrowedTls13CiphersAreOfferedExactlyOrRefusedWhereTheProviderCannotNarrowThem() throws Exception {
        TlsPolicy aes256Only = new TlsPolicy(null,
                List.of("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
        if (Tls.isBoringSsl()) {
            HttpBackend a = net.httpBackend("a");
            RuntimeGraph graph = Configs.create().service("a", a.port(), 10)
                    .vserver(vs("front", VServerProtocol.HTTPS, "a").tls(cert).offering(aes256Only)).graph();
            assertThatThrownBy(() -> net.proxy(graph))
                    .hasStackTraceContaining("BoringSSL always offers every TLS 1.3 suite");
        } else {
            InetSocketAddress at = front(aes256Only);
            assertThat(handshake(at, "TLSv1.3", "TLS_AES_256_GCM_SHA384").getCipherSuite())
                    .isEqualTo("TLS_AES_256_GCM_SHA384");
            assertThatThrownBy(() -> handshake(at, "TLSv1.3", "TLS_AES_128_GCM_SHA256")).isInstanceOf(SSLException.class);
        }
    }

    @Test
    void aSuiteTheTlsProviderLacksIsAnErrorNamingIt() throws Exception {
        HttpBackend a = net.httpBackend("a");
        ProxyServer proxy = net.proxy(Configs.create().service("a", a.port(), 10)
                .vserver(vs("plain", VServerProtocol.HTTP, "a")).graph());
        RuntimeGraph unknownSuite = Configs.create().service("a", a.port(), 10)
                .vserver(vs("plain", VServerProtocol.HTTP, "a"))
                .vserver(vs("front", VServerProtocol.HTTPS, "a").tls(cert).offering(new TlsPolicy(null,
                        List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_SERPENT_256_GCM_SHA384"))))
                .graph();

        assertThatThrownBy(() -> proxy.swap(unknownSuite))
                .hasStackTraceContaining("TLS_ECDHE_RSA_WITH_SERPENT_256_GCM_SHA384");
    }
}
