package io.spillway.monitor.peers;

import javax.net.ssl.KeyManagerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 made once per test JVM with the JDK's keytool:
 * the server side as a Netty {@link SslContext}, the certificate as a PEM file a client can trust.
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
            instance = create();
        }
        return instance;
    }

    public SslContext serverContext() {
        return serverContext;
    }

    public Path certificatePem() {
        return certificatePem;
    }

    private static TestCerts create() {
        try {
            Path dir = Files.createTempDirectory("spillway-monitor-certs");
            dir.toFile().deleteOnExit();
            Path store = dir.resolve("server.p12");
            Path pem = dir.resolve("server.pem");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(List.of(keytool, "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", "changeit", "-keypass", "changeit", "-alias", "server", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-validity", "2"));
            run(List.of(keytool, "-exportcert", "-rfc", "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", "changeit", "-alias", "server", "-file", pem.toString()));
            store.toFile().deleteOnExit();
            pem.toFile().deleteOnExit();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, PASSWORD);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            return new TestCerts(SslContextBuilder.forServer(kmf).build(), pem);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
