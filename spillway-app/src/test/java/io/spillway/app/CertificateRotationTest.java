package io.spillway.app;

import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import io.spillway.testkit.TestCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
        TestCertificate.forName("rotation-a").writeTo(pem, key);
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
        assertThat(TestCertificate.servedName(front)).isEqualTo("CN=rotation-a");

        Path staged = Files.createDirectory(dir.resolve("staged"));
        TestCertificate.forName("rotation-b").writeTo(staged.resolve("front.pem"), staged.resolve("front.key"));
        Files.move(staged.resolve("front.pem"), pem, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged.resolve("front.key"), key, StandardCopyOption.REPLACE_EXISTING);
        Appliance.ReloadOutcome outcome = appliance.reload();

        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.changes()).containsExactly("tls file rotated: " + key, "tls file rotated: " + pem);
        assertThat(TestCertificate.servedName(front)).isEqualTo("CN=rotation-b");
        assertThat(appliance.reload().changes()).as("nothing changed since").isEmpty();
    }
}
