package io.spillway.app;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Self-signed certificates made by openssl, and a client that trusts any, for the TLS tests. */
final class TestCertificates {

    private TestCertificates() {
    }

    /** A self-signed P-256 certificate for {@code cn} and the names 127.0.0.1 and localhost, by openssl. */
    static void create(String cn, Path pem, Path key) throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-days", "2", "-subj", "/CN=" + cn, "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out", pem.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        assertThat(p.exitValue()).as("openssl exit status").isZero();
    }

    /** A TLS context that trusts every certificate: the tests check which one is served. */
    static SSLContext trustingAll() throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        return trustAll;
    }

    /** The subject of the certificate the listener at {@code at} presents. */
    static String servedName(InetSocketAddress at) throws Exception {
        try (SSLSocket s = (SSLSocket) trustingAll().getSocketFactory().createSocket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(5_000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }
}
