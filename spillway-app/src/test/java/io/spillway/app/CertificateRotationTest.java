package io.spillway.app;

import io.spillway.testing.TestCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    @RegisterExtension
    final ApplianceExtension spillway = new ApplianceExtension();

    @Test
    void aRotatedCertificateIsServedAfterAReloadOfAnUnchangedFile() throws Exception {
        Path pem = spillway.dir().resolve("front.pem");
        Path key = spillway.dir().resolve("front.key");
        TestCertificate.forName("rotation-a").writeTo(pem, key);
        Appliance appliance = spillway.start("""
                services:
                  - {name: web, address: 127.0.0.1:9, protocol: http, capacity: 4}
                vservers:
                  - name: front
                    listen: 127.0.0.1:0
                    protocol: https
                    tls: {certificate: %s, key: %s}
                    services: [web]
                """.formatted(pem, key));
        InetSocketAddress front = appliance.vserverAddress("front");
        assertThat(TestCertificate.servedName(front)).isEqualTo("CN=rotation-a");

        Path staged = Files.createDirectory(spillway.dir().resolve("staged"));
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
