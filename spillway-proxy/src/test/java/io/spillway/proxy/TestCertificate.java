package io.spillway.proxy;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for localhost / 127.0.0.1, made once per test JVM with the JDK's own
 * {@code keytool} (always present with the JDK, no extra test dependency), then exported as the
 * PEM files the configuration takes: the certificate and the PKCS#8 private key read back from
 * the PKCS#12 store.
 */
record TestCertificate(Path certificatePem, Path keyPem, Path keyStore) {

    static final char[] PASSWORD = "changeit".toCharArray();
    private static TestCertificate instance;

    static synchronized TestCertificate get() throws Exception {
        if (instance == null) {
            instance = generate("localhost", "dns:localhost,ip:127.0.0.1");
        }
        return instance;
    }

    /** A new certificate for the one DNS name {@code name} (its CN and its only SAN). */
    static TestCertificate forName(String name) throws Exception {
        return generate(name, "dns:" + name);
    }

    /** The certificate itself. */
    Certificate certificate() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD);
        }
        return store.getCertificate("spillway");
    }

    /** An SSL context that presents this certificate and trusts only it. */
    SSLContext sslContext() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static TestCertificate generate(String cn, String san) throws Exception {
        Path dir = Files.createTempDirectory("spillway-tls");
        dir.toFile().deleteOnExit();
        Path ks = dir.resolve("test.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "spillway", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + cn, "-ext", "SAN=" + san,
                "-validity", "3", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + new String(out, StandardCharsets.UTF_8));
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, PASSWORD);
        }
        PrivateKey key = (PrivateKey) store.getKey("spillway", PASSWORD);
        Certificate cert = store.getCertificate("spillway");
        Path certPem = dir.resolve("cert.pem");
        Path keyPem = dir.resolve("key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
        for (Path f : new Path[] {ks, certPem, keyPem}) {
            f.toFile().deleteOnExit();
        }
        return new TestCertificate(certPem, keyPem, ks);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
