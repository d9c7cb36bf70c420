package io.spillway.testing;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * The one certificate fixture of the tests: a self-signed P-256 certificate made with the JDK's
 * own {@code keytool} (always present with the JDK, no extra tool or dependency), exported as the
 * PEM files the configuration takes: the certificate and the PKCS#8 private key read back from
 * the PKCS#12 store. {@link #get()} is the certificate for localhost / 127.0.0.1, made once per
 * test JVM; {@link #forName} makes a new one per call.
 *
 * <p>The client side of a TLS test is here too: {@link #sslContext()} trusts this certificate
 * only, {@link #trustingAll()} any (for tests that check which certificate is served, with
 * {@link #servedName}).
 */
public record TestCertificate(Path certificatePem, Path keyPem, Path keyStore) {

    public static final char[] PASSWORD = "changeit".toCharArray();
    private static final String ALIAS = "spillway";
    private static TestCertificate instance;

    /** The certificate for {@code localhost} and {@code 127.0.0.1}, made once per test JVM. */
    public static synchronized TestCertificate get() throws Exception {
        if (instance == null) {
            instance = generate("localhost", "dns:localhost,ip:127.0.0.1");
        }
        return instance;
    }

    /** A new certificate for the one DNS name {@code name} (its CN and its only SAN). */
    public static TestCertificate forName(String name) throws Exception {
        return generate(name, "dns:" + name);
    }

    /** The certificate itself. */
    public Certificate certificate() throws Exception {
        return load().getCertificate(ALIAS);
    }

    /** An SSL context that presents this certificate and trusts only it. */
    public SSLContext sslContext() throws Exception {
        KeyStore store = load();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Copies the PEM files to {@code pem} and {@code key} (replacing them), as an operator installs a certificate. */
    public TestCertificate writeTo(Path pem, Path key) throws Exception {
        Files.copy(certificatePem, pem, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(keyPem, key, StandardCopyOption.REPLACE_EXISTING);
        return this;
    }

    /**
     * A client TLS context that trusts every certificate, for tests that check which one is
     * served; a new one per call, so no session of an earlier connection is offered.
     */
    public static SSLContext trustingAll() throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        return trustAll;
    }

    /** The subject of the certificate the TLS listener at {@code at} presents. */
    public static String servedName(InetSocketAddress at) throws Exception {
        try (SSLSocket s = (SSLSocket) trustingAll().getSocketFactory().createSocket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(5_000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    private KeyStore load() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private static TestCertificate generate(String cn, String san) throws Exception {
        Path dir = Files.createTempDirectory("spillway-tls");
        dir.toFile().deleteOnExit();
        Path ks = dir.resolve("test.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", ALIAS, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + cn, "-ext", "SAN=" + san,
                "-validity", "3", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + new String(out, StandardCharsets.UTF_8));
        }
        TestCertificate made = new TestCertificate(dir.resolve("cert.pem"), dir.resolve("key.pem"), ks);
        KeyStore store = made.load();
        Files.writeString(made.certificatePem, pem("CERTIFICATE", store.getCertificate(ALIAS).getEncoded()));
        Files.writeString(made.keyPem, pem("PRIVATE KEY", ((PrivateKey) store.getKey(ALIAS, PASSWORD)).getEncoded()));
        for (Path f : new Path[] {ks, made.certificatePem, made.keyPem}) {
            f.toFile().deleteOnExit();
        }
        return made;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
