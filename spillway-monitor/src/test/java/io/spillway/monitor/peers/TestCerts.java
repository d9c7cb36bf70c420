package io.spillway.monitor.peers;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * The test certificate in {@code src/test/resources/tls} (self-signed, for 127.0.0.1): the
 * server side as a Netty {@link SslContext}, the certificate as a PEM file a client can trust.
 */
public final class TestCerts {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static TestCerts instance;

    private final SslContext serverContext;
    private final Path certificatePem;

    private TestCerts(SslContext serverContext, Path certificatePem) {
        this.serverContext = serverContext;
        this.certificatePem = certificatePem;
    }

    public static synchronized TestCerts get() {
        if (instance == null) {
            instance = load();
        }
        return instance;
    }

    public SslContext serverContext() {
        return serverContext;
    }

    public Path certificatePem() {
        return certificatePem;
    }

    private static TestCerts load() {
        try (InputStream in = TestCerts.class.getResourceAsStream("/tls/server.p12")) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            Path pem = Path.of(TestCerts.class.getResource("/tls/server.pem").toURI());
            return new TestCerts(SslContextBuilder.forServer(kmf).build(), pem);
        } catch (IOException | GeneralSecurityException | URISyntaxException e) {
            throw new IllegalStateException("cannot load the test certificate", e);
        }
    }
}
