package io.spillway.app;

import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A certificate rotated in place (same file names, new content) is served after a reload,
 * although the YAML did not change, as NGINX and HAProxy do on reload; a reload with nothing
 * changed, files included, changes nothing.
 */
class CertificateRotationTest {

    @TempDir
    Path dir;
    private Appliance appliance;

    @AfterEach
    void stop() {
        if (appliance != null) {
            appliance.close();
        }
    }

    @Test
    void aRotatedCertificateIsServedAfterAReloadOfAnUnchangedFile() throws Exception {
        Path pem = dir.resolve("front.pem");
        Path key = dir.resolve("front.key");
        certificate("rotation-a", pem, key);
        Path file = Files.writeString(dir.resolve("spillway.yaml"), """
                services:
                  - {name: web, address: 127.0.0.1:9, protocol: http, capacity: 4}
                vservers:
                  - name: front
                    listen: 127.0.0.1:0
                    protocol: https
                    tls: {certificate: %s, key: %s}
                    services: [web]
                """.formatted(pem, key));
        LoadResult loaded = ConfigLoader.load(file);
        assertThat(loaded.errors()).isEmpty();
        appliance = Appliance.start(loaded.config(), file, 1);
        InetSocketAddress front = appliance.vserverAddress("front");
        assertThat(servedName(front)).isEqualTo("CN=rotation-a");

        Path staged = Files.createDirectory(dir.resolve("staged"));
        certificate("rotation-b", staged.resolve("front.pem"), staged.resolve("front.key"));
        Files.move(staged.resolve("front.pem"), pem, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged.resolve("front.key"), key, StandardCopyOption.REPLACE_EXISTING);
        Appliance.ReloadOutcome outcome = appliance.reload();

        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.changes()).containsExactly("tls file rotated: " + key, "tls file rotated: " + pem);
        assertThat(servedName(front)).isEqualTo("CN=rotation-b");
        assertThat(appliance.reload().changes()).as("nothing changed since").isEmpty();
    }

    /** The subject of the certificate the listener at {@code at} presents. */
    private static String servedName(InetSocketAddress at) throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) trustAll.getSocketFactory().createSocket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(5_000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    /** A self-signed P-256 certificate for {@code cn}, by openssl. */
    private static void certificate(String cn, Path pem, Path key) throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-days", "2", "-subj", "/CN=" + cn, "-keyout", key.toString(), "-out", pem.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        assertThat(p.exitValue()).as("openssl exit status").isZero();
    }
}
