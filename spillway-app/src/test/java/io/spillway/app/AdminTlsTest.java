package io.spillway.app;

import io.spillway.config.ConfigLoader;
import io.spillway.testing.TestCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code admin.tls}: the management API, metrics and dashboard over HTTPS only; a reload turns
 * it on or off from the next connection.
 */
class AdminTlsTest {

    @RegisterExtension
    final ApplianceExtension spillway = new ApplianceExtension();

    private String yaml(int port, String tls) {
        return """
                admin:
                  listen: 127.0.0.1:%d
                %s
                services:
                  - {name: web, address: 127.0.0.1:9, protocol: http, capacity: 4}
                vservers:
                  - {name: shop, listen: 127.0.0.1:0, protocol: http, services: [web]}
                """.formatted(port, tls);
    }

    private static HttpResponse<String> get(HttpClient client, String uri) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAdminApiSpeaksHttpsOnlyWhileTlsIsConfigured() throws Exception {
        Path pem = spillway.dir().resolve("admin.pem");
        Path key = spillway.dir().resolve("admin.key");
        TestCertificate.forName("spillway-admin").writeTo(pem, key);
        Appliance appliance = spillway.start(yaml(0,
                "  tls: {certificate: %s, key: %s, protocols: [TLSv1.3]}".formatted(pem, key)));
        InetSocketAddress admin = appliance.adminAddress();
        String where = "127.0.0.1:" + admin.getPort();
        HttpClient https = HttpClient.newBuilder().sslContext(TestCertificate.trustingAll())
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        assertThat(get(https, "https://" + where + "/api/v1/vservers").statusCode()).isEqualTo(200);
        assertThat(get(https, "https://" + where + "/metrics").body()).contains("spillway_");
        assertThat(TestCertificate.servedName(admin)).isEqualTo("CN=spillway-admin");
        assertThatThrownBy(() -> get(plain, "http://" + where + "/api/v1/vservers"))
                .as("plain HTTP gets no answer").isInstanceOf(IOException.class);

        spillway.write(yaml(0, "")); // the same listen: the listener stays
        Appliance.ReloadOutcome outcome = appliance.reload();

        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.changes()).contains("admin: plain http from the next connection");
        assertThat(get(plain, "http://" + where + "/api/v1/vservers").statusCode()).isEqualTo(200);
    }

    @Test
    void tlsWithoutAListenerIsAConfigurationError() throws Exception {
        Path file = spillway.write("""
                admin:
                  tls: {certificate: a.pem, key: a.key, protocols: [TLSv1.1]}
                """);
        assertThat(ConfigLoader.load(file).errors()).extracting(e -> e.format()).anySatisfy(e ->
                assertThat(e).contains("admin.tls: needs admin.listen")).anySatisfy(e ->
                assertThat(e).contains("admin.tls.protocols: 'TLSv1.1' is not offered"));
    }
}
